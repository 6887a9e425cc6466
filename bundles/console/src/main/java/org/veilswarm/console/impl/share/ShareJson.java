package org.veilswarm.console.impl.share;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.RevealFinding;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareLink;

/** JSON shapes of shares, downloads and reveal reports (docs/console.md). */
public final class ShareJson {

    private ShareJson() {
    }

    public static Map<String, Object> share(Share share) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", share.id());
        json.put("name", share.name());
        json.put("path", share.path().toString());
        json.put("totalBytes", share.totalBytes());
        json.put("fileCount", share.fileCount());
        json.put("state", share.state().name());
        json.put("link", share.link().map(ShareLink::format).orElse(null));
        json.put("privateLink", share.privateLink().map(ShareLink::format).orElse(null));
        json.put("publicLink", share.publicLink().map(ShareLink::format).orElse(null));
        json.put("created", share.created().toEpochMilli());
        json.put("uploadedBytes", share.uploadedBytes());
        json.put("peers", share.peers());
        json.put("error", share.error().orElse(null));
        // A share for authorized clients only: the secret key a downloader needs besides the link (the console API
        // answers the node's operator only).
        json.put("clientAuth", share.clientAuthKey().isPresent());
        share.clientAuthKey().ifPresent(key -> json.put("clientAuthKey", key));
        return json;
    }

    public static Map<String, Object> download(Download download) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", download.id());
        json.put("link", download.link().format());
        json.put("directory", download.directory().toString());
        json.put("name", download.name().orElse(null));
        json.put("infoHash", download.infoHash().orElse(null));
        json.put("state", download.state().name());
        json.put("totalBytes", download.totalBytes());
        json.put("completedBytes", download.completedBytes());
        json.put("progress", download.progress());
        json.put("downloadRate", download.downloadRate());
        json.put("uploadRate", download.uploadRate());
        json.put("peers", download.peers());
        json.put("etaSeconds", download.eta().map(d -> d.toSeconds()).orElse(null));
        json.put("error", download.error().orElse(null));
        return json;
    }

    public static Map<String, Object> reveal(RevealReport report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("root", report.root().toString());
        json.put("name", report.name());
        json.put("fileCount", report.fileCount());
        json.put("totalBytes", report.totalBytes());
        json.put("fileNames", report.fileNames());
        json.put("truncated", report.truncated());
        List<Map<String, Object>> findings = new ArrayList<>();
        for (RevealFinding finding : report.findings()) {
            findings.add(Map.of("kind", finding.kind().name().toLowerCase(Locale.ROOT), "path", finding.path(),
                    "detail", finding.detail()));
        }
        json.put("findings", findings);
        return json;
    }
}
