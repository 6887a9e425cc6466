package org.veilswarm.launcher.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * {@code veilswarm share PATH} and {@code veilswarm get LINK} over the node's REST API (docs/console.md,
 * "/api/shares and /api/downloads"). The node does the work; the CLI previews, asks, starts and polls.
 */
final class ShareCommands {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(300);

    private ShareCommands() {
    }

    /**
     * Shows what sharing {@code path} reveals, asks (unless {@code yes}), creates a private share, follows its
     * hashing and prints the link as the last line.
     */
    static void share(RunningNodeClient client, Path path, boolean yes, InputStream in, PrintStream out,
            ProgressDisplay progress) throws CliException, InterruptedException {
        share(client, path, yes, false, in, out, progress);
    }

    /**
     * As above; {@code clientAuth}: for authorized clients only, the share's client authorization key printed after
     * the link (a downloader needs both: {@code veilswarm get LINK --key KEY}).
     */
    static void share(RunningNodeClient client, Path path, boolean yes, boolean clientAuth, InputStream in,
            PrintStream out, ProgressDisplay progress) throws CliException, InterruptedException {
        if (!Files.exists(path)) {
            throw new CliException("Nothing to share: " + path + " does not exist.");
        }
        JsonObject report = client.post("/api/shares",
                Json.createObjectBuilder().add("path", path.toString()).add("previewOnly", true).build());
        printReport(report, out);
        if (!yes && !confirm(in, out)) {
            throw new CliException("Not shared.");
        }
        JsonObject creation = client.post("/api/shares",
                Json.createObjectBuilder().add("path", path.toString()).add("visibility", "private")
                        .add("clientAuth", clientAuth).build());
        String id = string(creation, "id");
        if (id == null) {
            throw new CliException("The node did not say which creation to follow: " + creation);
        }
        String creationPath = "/api/shares/creations/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        while (true) {
            String state = string(creation, "state");
            long total = number(creation, "totalBytes");
            long hashed = number(creation, "hashedBytes");
            if ("DONE".equals(state)) {
                progress.update("Hashing", 1, ProgressDisplay.bytes(total));
                progress.finish();
                JsonValue share = creation.get("share");
                String link = share instanceof JsonObject ? string((JsonObject) share, "link") : null;
                if (link == null) {
                    throw new CliException("The share was created but the node reports no link: " + creation);
                }
                out.println("Shared " + string((JsonObject) share, "name") + " (" + ProgressDisplay.bytes(total)
                        + "). Link:");
                out.println(link);
                String key = string((JsonObject) share, "clientAuthKey");
                if (clientAuth) {
                    if (key == null) {
                        throw new CliException("The share was created but the node reports no client authorization "
                                + "key: " + creation);
                    }
                    out.println("Client authorization key (authorized clients only: give it with the link, over "
                            + "another channel if you can; 'veilswarm get LINK --key KEY'):");
                    out.println(key);
                }
                return;
            }
            if ("FAILED".equals(state)) {
                progress.finish();
                throw new CliException("Creating the share failed: " + string(creation, "error"));
            }
            progress.update("Hashing", total == 0 ? 0 : (double) hashed / total, total == 0 ? "starting"
                    : ProgressDisplay.bytes(hashed) + " of " + ProgressDisplay.bytes(total));
            Thread.sleep(POLL_INTERVAL.toMillis());
            creation = asObject(client.get(creationPath), creationPath);
        }
    }

    /**
     * Starts a download of {@code link} into {@code directory} and follows it until it seeds (exit 0) or
     * fails (exit 1). Stopping the CLI does not stop the download: the node carries on.
     */
    static void get(RunningNodeClient client, String link, Path directory, PrintStream out, ProgressDisplay progress)
            throws CliException, InterruptedException {
        get(client, link, directory, null, out, progress);
    }

    /** As above, with the client authorization key of a share for authorized clients only (null: none). */
    static void get(RunningNodeClient client, String link, Path directory, String clientAuthKey, PrintStream out,
            ProgressDisplay progress) throws CliException, InterruptedException {
        jakarta.json.JsonObjectBuilder request = Json.createObjectBuilder().add("link", link)
                .add("dir", directory.toString());
        if (clientAuthKey != null) {
            request.add("clientAuthKey", clientAuthKey);
        }
        JsonObject download = client.post("/api/downloads", request.build());
        String id = string(download, "id");
        if (id == null) {
            throw new CliException("The node did not say which download to follow: " + download);
        }
        out.println("Downloading into " + directory + " (download " + id + ")");
        String downloadPath = "/api/downloads/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        while (true) {
            String state = string(download, "state");
            long total = number(download, "totalBytes");
            long done = number(download, "completedBytes");
            if ("SEEDING".equals(state)) {
                progress.update(label(download), 1, ProgressDisplay.bytes(total));
                progress.finish();
                out.println("Done: " + ProgressDisplay.bytes(total) + " in " + storedUnder(directory,
                        string(download, "name")) + "; the node now seeds it.");
                return;
            }
            if ("FAILED".equals(state)) {
                progress.finish();
                throw new CliException("The download failed: " + string(download, "error"));
            }
            JsonValue eta = download.get("etaSeconds");
            String detail = ProgressDisplay.bytes(done) + " of " + (total == 0 ? "?" : ProgressDisplay.bytes(total))
                    + "  " + ProgressDisplay.bytes(number(download, "downloadRate")) + "/s  "
                    + number(download, "peers") + " peers  ETA "
                    + (eta instanceof JsonNumber ? ProgressDisplay.duration(((JsonNumber) eta).longValue()) : "?")
                    + "  " + state.toLowerCase(Locale.ROOT).replace('_', ' ');
            progress.update(label(download), total == 0 ? 0 : (double) done / total, detail);
            Thread.sleep(POLL_INTERVAL.toMillis());
            download = asObject(client.get(downloadPath), downloadPath);
        }
    }

    /**
     * Where the download is: the torrent's folder or file when there is one by its name, else the directory (a
     * single-file torrent's name is only its display name, and its file is stored under its own name).
     */
    static Path storedUnder(Path directory, String name) {
        if (name != null && !name.isEmpty() && !name.contains("/") && !name.equals("..") && !name.equals(".")) {
            Path stored = directory.resolve(name);
            if (java.nio.file.Files.exists(stored)) {
                return stored;
            }
        }
        return directory;
    }

    /**
     * The key of {@code --key} or {@code --key-file} (its first line that is not blank or a comment), or null;
     * both at once is a usage error. The node checks the key itself and says what is wrong with it.
     */
    static String clientAuthKey(java.util.Optional<String> key, java.util.Optional<String> keyFile) throws CliException {
        if (key.isPresent() && keyFile.isPresent()) {
            throw new CliException("--key and --key-file: give the client authorization key once", 2);
        }
        if (key.isPresent()) {
            if (key.get().isBlank()) {
                throw new CliException("--key needs the client authorization key", 2);
            }
            return key.get().strip();
        }
        if (keyFile.isEmpty()) {
            return null;
        }
        Path file = Path.of(keyFile.get());
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                    .orElseThrow(() -> new CliException("--key-file " + file + " holds no key", 2));
        } catch (java.io.IOException e) {
            throw new CliException("cannot read --key-file " + file + ": " + e.getMessage(), 2);
        }
    }

    private static String label(JsonObject download) {
        String name = string(download, "name");
        return name == null ? "Download" : name;
    }

    private static void printReport(JsonObject report, PrintStream out) {
        out.println("About to share " + string(report, "root") + ": " + number(report, "fileCount") + " file(s), "
                + ProgressDisplay.bytes(number(report, "totalBytes")) + ", shared under the name '"
                + string(report, "name") + "'.");
        JsonValue findings = report.get("findings");
        if (findings instanceof jakarta.json.JsonArray && !((jakarta.json.JsonArray) findings).isEmpty()) {
            out.println("What it reveals about you (file names and metadata peers will see):");
            for (JsonValue f : (jakarta.json.JsonArray) findings) {
                if (f instanceof JsonObject) {
                    JsonObject o = (JsonObject) f;
                    out.println("  " + string(o, "kind") + "  " + string(o, "path") + "  " + string(o, "detail"));
                }
            }
        } else {
            out.println("No names or embedded metadata that look personal were found.");
        }
    }

    private static boolean confirm(InputStream in, PrintStream out) throws CliException {
        out.print("Share it? [y/N] ");
        out.flush();
        String answer;
        try {
            answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (!ProgressDisplay.stdoutIsTerminal()) {
            out.println(); // a piped answer is not echoed: end the prompt's line
        }
        if (answer == null) {
            throw new CliException("No answer on standard input: pass --yes to share without asking.");
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    private static JsonObject asObject(JsonValue v, String path) throws CliException {
        if (!(v instanceof JsonObject)) {
            throw new CliException("GET " + path + " did not return a JSON object: " + v);
        }
        return (JsonObject) v;
    }

    private static String string(JsonObject o, String key) {
        JsonValue v = o.get(key);
        return v instanceof JsonString ? ((JsonString) v).getString() : null;
    }

    /** {@code key}'s number in {@code o}, 0 when absent or not a number (also for StatusCommands). */
    static long number(JsonObject o, String key) {
        JsonValue v = o.get(key);
        return v instanceof JsonNumber ? ((JsonNumber) v).longValue() : 0;
    }
}
