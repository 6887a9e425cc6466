package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.RawHttp;
import org.veilswarm.itests.support.VeilswarmOptions;
import org.veilswarm.tracker.api.TrackerMirrorInfo;
import org.veilswarm.tracker.api.TrackerMirrors;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * Issue 7 item 4 in the container: the tracker component offers {@link TrackerMirrors}, keeps its mirrors in
 * {@code <data>/tracker/mirrors/} (owner-only) across a component restart, adds the mirrors of its
 * configuration, reports an unreachable source, and serves its signed public index over the direct transport,
 * listing its public shares and never a private one. (Two nodes mirroring each other run in the tracker
 * module's TrackerMirroringTest: one Pax Exam container is one node.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrackerMirrorIT extends NodeIT {
    private static final String TRACKER_PID = "org.veilswarm.tracker";
    private static final byte[] INDEX_CONTEXT = "veilswarm tracker-mirror index v1\0".getBytes(StandardCharsets.US_ASCII);

    @Configuration
    @Override
    public Option[] config() {
        return VeilswarmOptions.node(getClass(), "core", "transport-direct", "tracker", "tracker-store-memory");
    }

    @Test
    public void mirrorsAreKeptAcrossARestartAndThePublicIndexIsSignedAndPublicOnly() throws Exception {
        int port = Ports.freeLoopbackPort();
        int unreachable = Ports.freeLoopbackPort();
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        OnionAddress other = OnionAddress.fromPublicKey(new byte[32]);
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("port", port);
        config.put("mirrorIndexSeconds", 1);
        config.put("mirrors", new String[] {"127.0.0.1:" + unreachable + " via " + other});
        NodeContext.configuration(cm, TRACKER_PID).update(config);
        TrackerShares shares = awaitTracker(port, null);
        TrackerMirrors mirrors = node.awaitService(TrackerMirrors.class, null, NodeContext.TIMEOUT);

        // The configured node mirror is there, and says why it copies nothing.
        Await.until("the configured mirror", NodeContext.TIMEOUT, () -> mirrors.list().size() == 1
                && mirrors.list().get(0).lastError().isPresent(), () -> String.valueOf(mirrors.list()));
        TrackerMirrorInfo configured = mirrors.list().get(0);
        assertEquals(TrackerMirrorInfo.Kind.NODE, configured.kind());
        assertEquals(TrackerMirrorInfo.State.RETRYING, configured.state());
        assertEquals(new TransportAddress("127.0.0.1", unreachable), configured.endpoint());
        String token = "abcdefghijklmnopqrstuvwxyz012345";
        TrackerMirrorInfo added = mirrors.mirrorShare(other, "http://127.0.0.1:" + unreachable + "/private/" + token);
        Path list = node.dataDirectory().resolve("tracker/mirrors/mirrors.list");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(list));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(list.getParent()));

        // The signed public index, over the real listener.
        InfoHash open = InfoHash.ofHex("0123456789abcdef".repeat(2) + "01234567");
        InfoHash secret = InfoHash.ofHex("fedcba9876543210".repeat(2) + "fedcba98");
        TrackerShare published = shares.register(Visibility.PUBLIC, Set.of(open));
        TrackerShare hidden = shares.register(Visibility.PRIVATE, Set.of(secret));
        String nonce = "00112233445566778899aabbccddeeff";
        byte[] envelope = get(port, "/public/mirror/index?nonce=" + nonce);
        BencodeDictionary signed = BencodeDecoder.strict().decodeDictionary(envelope);
        byte[] data = ((BencodeString) signed.get("data").orElseThrow()).bytes();
        byte[] signature = ((BencodeString) signed.get("signature").orElseThrow()).bytes();
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        byte[] message = new byte[INDEX_CONTEXT.length + data.length];
        System.arraycopy(INDEX_CONTEXT, 0, message, 0, INDEX_CONTEXT.length);
        System.arraycopy(data, 0, message, INDEX_CONTEXT.length, data.length);
        assertTrue("the index is signed by the node's identity", identity.verify(identity.publicKey(), message,
                signature));
        BencodeDictionary index = BencodeDecoder.strict().decodeDictionary(data);
        List<String> tokens = ((BencodeList) index.get("tokens").orElseThrow()).values().stream()
                .map(v -> ((BencodeString) v).utf8Lossy()).toList();
        assertEquals(List.of(published.token()), tokens);
        assertFalse(new String(envelope, StandardCharsets.ISO_8859_1).contains(hidden.token()));

        // A configuration change restarts the component: the same mirrors come back from the data directory.
        config.put("mirrors", new String[0]);
        NodeContext.configuration(cm, TRACKER_PID).update(config);
        awaitTracker(port, shares);
        Await.until("the mirrors back after the restart", NodeContext.TIMEOUT, () -> {
            TrackerMirrors now = node.awaitService(TrackerMirrors.class, null, NodeContext.TIMEOUT);
            return now != mirrors && now.list().stream().map(TrackerMirrorInfo::id).toList()
                    .equals(List.of(configured.id(), added.id()));
        }, node::describeBundles);
        TrackerMirrors restarted = node.awaitService(TrackerMirrors.class, null, NodeContext.TIMEOUT);
        assertTrue(restarted.remove(added.id()));
        assertFalse(Files.readString(list).contains(token));
    }

    /** The tracker service (another one than {@code old}) once it listens on {@code port}. */
    private TrackerShares awaitTracker(int port, TrackerShares old) {
        TrackerShares[] found = new TrackerShares[1];
        Await.until("the tracker to listen on 127.0.0.1:" + port, NodeContext.TIMEOUT, () -> {
            ServiceReference<TrackerShares> ref = context.getServiceReference(TrackerShares.class);
            TrackerShares now = ref == null ? null : context.getService(ref);
            found[0] = now;
            return now != null && now != old && now.endpoints().stream().anyMatch(a -> a.port() == port);
        }, node::describeBundles);
        return found[0];
    }

    /** One GET over a new connection to 127.0.0.1; the body of a 200 answer. */
    private static byte[] get(int port, String target) throws Exception {
        RawHttp answer = RawHttp.get(port, target);
        assertTrue("not a 200 HTTP answer: " + answer, answer.status() == 200);
        return answer.body();
    }
}
