package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.VeilswarmOptions;

/**
 * The whole directory in one Felix: the authority component signing with the node's own identity (no key
 * file configured), relays publishing their descriptors through the {@code consensus} scheme, and both
 * schemes picking from what the authority published, all configured through ConfigurationAdmin.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DirectoryAuthorityIT extends NodeIT {
    private final List<ServerSocket> relayPorts = new ArrayList<>();

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VeilswarmOptions.coreWith(getClass(), "directory-core", "directory-http", "directory-authority", "directory-consensus", "directory-merkle");
    }

    @After
    public void closeRelays() throws Exception {
        for (ServerSocket s : relayPorts) {
            s.close();
        }
    }

    @Test
    public void anAuthorityOnTheNodeIdentityPublishesAndBothSchemesPickFromIt() throws Exception {
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        int port = Ports.freeLoopbackPort();
        String[] authorities = {Base64.getEncoder().encodeToString(identity.publicKey()) + "@127.0.0.1:" + port};
        ConfigurationAdmin cm = node.awaitService(ConfigurationAdmin.class, null, NodeContext.TIMEOUT);
        Hashtable<String, Object> authority = new Hashtable<>();
        authority.put("authorities", authorities);
        authority.put("port", port);
        authority.put("votingIntervalSeconds", 3);
        authority.put("validitySeconds", 6);
        authority.put("phaseMillis", 1000);
        authority.put("stableUptimeSeconds", 0L);
        authority.put("guardMinKnownSeconds", 0L);
        authority.put("hsdirMinUptimeSeconds", 0L);
        authority.put("fastGuarantee", 1L);
        authority.put("guardGuarantee", 1L);
        NodeContext.configuration(cm, "org.veilswarm.directory.authority").update(authority);
        for (String pid : List.of("org.veilswarm.directory.consensus", "org.veilswarm.directory.merkle")) {
            Hashtable<String, Object> scheme = new Hashtable<>();
            scheme.put("authorities", authorities);
            scheme.put("timeoutMillis", 10_000);
            NodeContext.configuration(cm, pid).update(scheme);
        }
        DirectoryScheme consensus = node.awaitService(DirectoryScheme.class, "(directory.scheme=consensus)",
                NodeContext.TIMEOUT);
        DirectoryScheme merkle = node.awaitService(DirectoryScheme.class, "(directory.scheme=merkle)",
                NodeContext.TIMEOUT);

        // Four relays with open OR ports publish through the scheme (a quorum of one authority).
        SecureRandom random = new SecureRandom();
        Set<RelayDescriptor.Key> published = new HashSet<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        for (int i = 0; i < 4; i++) {
            ServerSocket orPort = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            relayPorts.add(orPort);
            Ed25519KeyPair key = Ed25519.generateKeyPair(random);
            RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32],
                    List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), orPort.getLocalPort())),
                    100_000L * (i + 1), 0, Set.of(), "0.1.0", EnumSet.of(RelayFlag.GUARD, RelayFlag.HSDIR), now);
            SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, key);
            publishWhenListening(consensus, signed);
            published.add(d.identityKey());
        }

        // Within a few periods both schemes pick those relays, verified against the node's identity.
        for (DirectoryScheme scheme : List.of(consensus, merkle)) {
            RelayDescriptor guard = awaitPick(scheme);
            assertTrue(scheme.name() + " picked a relay nobody published", published.contains(guard.identityKey()));
            assertTrue(scheme.status().ready());
            assertEquals(4, scheme.status().relays());
        }
    }

    /** The authority may still be binding its port: retry the upload for a while. */
    private static void publishWhenListening(DirectoryScheme scheme, SignedRelayDescriptor d) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                scheme.publish(d).toCompletableFuture().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Picks a guard, retrying until the first consensus with all four relays is out (a few 3 s periods). */
    private static RelayDescriptor awaitPick(DirectoryScheme scheme) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                RelayDescriptor r = scheme.sampler().pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                if (scheme.status().relays() == 4) {
                    return r;
                }
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(scheme.name() + ": " + scheme.status());
            }
            Thread.sleep(500);
        }
    }
}
