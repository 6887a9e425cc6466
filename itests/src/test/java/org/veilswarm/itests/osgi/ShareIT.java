package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.ResolvedArtifacts;
import org.veilswarm.itests.support.VeilswarmOptions;
import org.veilswarm.share.api.Downloads;
import org.veilswarm.share.api.RevealFinding;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.ShareState;
import org.veilswarm.share.api.Shares;

/**
 * Issue 8 items 1-2 in Felix: the share bundle with the swarm engine, tracker, memory store and direct
 * transport. The Shares and Downloads services appear; a folder in the data directory is previewed and shared,
 * and its link names the tracker's direct endpoint.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShareIT extends NodeIT {

    /** The node's features plus metainfo, peerwire, swarm and share at the start level a feature would give them. */
    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(VeilswarmOptions.node(getClass(), "core", "transport-direct",
                "tracker", "tracker-store-memory")));
        String version = VeilswarmOptions.features("core").get(0).bundles().stream()
                .filter(b -> b.artifactId().equals("api")).findFirst().orElseThrow().version();
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        for (String artifact : List.of("metainfo", "peerwire", "swarm", "share")) {
            options.add(CoreOptions.bundle(artifacts.jar("org.veilswarm", artifact, version).toUri().toString())
                    .startLevel(12).start());
        }
        return options.toArray(Option[]::new);
    }

    @Test
    public void sharesAndDownloadsAreServicesAndAFolderIsShared() throws Exception {
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> swarm = new Hashtable<>();
        swarm.put("port", Ports.freeLoopbackPort());
        NodeContext.configuration(cm, "org.veilswarm.swarm").update(swarm);
        Hashtable<String, Object> tracker = new Hashtable<>();
        int trackerPort = Ports.freeLoopbackPort();
        tracker.put("port", trackerPort);
        NodeContext.configuration(cm, "org.veilswarm.tracker").update(tracker);

        Path folder = node.dataDirectory().resolve("to-share");
        Files.createDirectories(folder.resolve("home/alice"));
        Files.write(folder.resolve("home/alice/notes.txt"), new byte[100_000]);
        Files.write(folder.resolve("b.bin"), new byte[300_000]);

        // The configuration updates above restart the tracker, swarm and share components asynchronously: a
        // Shares service fetched meanwhile may be going away ("Service factory returned null"), so fetch and use
        // it again until one answers.
        Shares shares = null;
        RevealReport report = null;
        RuntimeException lastFailure = null;
        for (int i = 0; i < 300 && report == null; i++) {
            try {
                shares = node.awaitService(Shares.class, null, NodeContext.TIMEOUT);
                report = shares.preview(folder);
            } catch (RuntimeException restarting) {
                lastFailure = restarting;
                Thread.sleep(100);
            }
        }
        assertTrue("no Shares service answered: " + lastFailure, report != null);
        node.awaitService(Downloads.class, null, NodeContext.TIMEOUT);
        assertEquals(2, report.fileCount());
        assertTrue(report.findings().toString(), report.findings().stream()
                .anyMatch(f -> f.kind() == RevealFinding.Kind.USER_NAME_FOLDER && f.path().equals("home/alice")));

        // The tracker and swarm components restart on their new ports, and the share component with them: ask
        // for the service again until a share gets a link on the configured tracker port.
        Share share = null;
        for (int i = 0; i < 150 && share == null; i++) {
            try {
                shares = node.awaitService(Shares.class, null, NodeContext.TIMEOUT);
                Share made = shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
                if (made.privateLink().map(l -> l.tracker().port() == trackerPort).orElse(false)) {
                    share = made;
                } else {
                    shares.remove(made.id());
                    Thread.sleep(100);
                }
            } catch (RuntimeException notYetListening) {
                Thread.sleep(100);
            }
        }
        assertTrue("no share", share != null);
        assertEquals(share.error().orElse(""), ShareState.SEEDING, share.state());
        ShareLink link = share.privateLink().orElseThrow();
        assertEquals(trackerPort, link.tracker().port());
        assertEquals(link, ShareLink.parse(link.format()));
        assertTrue(Files.isRegularFile(node.dataDirectory().resolve("shares").resolve(share.id() + ".share")));
        assertEquals(List.of(share.id()), shares.list().stream().map(Share::id).toList());
    }
}
