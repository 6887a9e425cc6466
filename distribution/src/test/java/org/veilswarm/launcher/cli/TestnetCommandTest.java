package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.launcher.cli.CliOutcome.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veilswarm testnet} without starting nodes: option errors, the plan it writes (ports, keys, every
 * node's configuration as the launcher reads it back), the directory check's decoding and majority rule, and
 * {@code testnet stop} on a directory with nothing running.
 */
class TestnetCommandTest {

    @TempDir
    Path tmp;

    @Test
    void badOptionsExitWithTwoAndNameTheOption() {
        CliOutcome nodes = cli("testnet", "--nodes", "0", "--dir", tmp.resolve("a").toString());
        assertEquals(2, nodes.exitCode(), nodes.err());
        assertTrue(nodes.err().contains("--nodes"), nodes.err());
        CliOutcome authorities = cli("testnet", "--nodes", "2", "--authorities", "3", "--dir", tmp.resolve("b").toString());
        assertEquals(2, authorities.exitCode(), authorities.err());
        assertTrue(authorities.err().contains("--authorities must be 1 to the number of nodes (2)"), authorities.err());
        CliOutcome scheme = cli("testnet", "--scheme", "gossip", "--dir", tmp.resolve("c").toString());
        assertEquals(2, scheme.exitCode(), scheme.err());
        assertTrue(scheme.err().contains("--scheme must be consensus or merkle"), scheme.err());
        CliOutcome port = cli("testnet", "--base-port", "80", "--dir", tmp.resolve("d").toString());
        assertEquals(2, port.exitCode(), port.err());
        assertTrue(port.err().contains("--base-port"), port.err());
        assertFalse(Files.exists(tmp.resolve("a")), "nothing is written for a refused command");
    }

    @Test
    void aDirectoryThatIsNotATestnetIsNeverUsedNorDeleted() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("holiday.jpg"), "not a testnet");
        CliOutcome run = cli("testnet", "--dir", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("is not a testnet directory"), run.err());
        CliOutcome reset = cli("testnet", "--reset", "--dir", dir.toString());
        assertEquals(2, reset.exitCode(), reset.err());
        assertTrue(reset.err().contains("--reset deletes only a testnet directory"), reset.err());
        assertTrue(Files.exists(dir.resolve("holiday.jpg")));
    }

    @Test
    void stopWithoutATestnetSaysSo() throws Exception {
        CliOutcome none = cli("testnet", "stop", "--dir", tmp.resolve("nothing").toString());
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("No testnet in"), none.err());

        new TestnetPlan(tmp.resolve("net"), 2, 1, 21_000, "consensus").write();
        CliOutcome idle = cli("testnet", "stop", "--dir", tmp.resolve("net").toString());
        assertEquals(0, idle.exitCode(), idle.err());
        assertTrue(idle.out().contains("No testnet is running from"), idle.out());
    }

    @Test
    void thePlanGivesEveryNodeItsPortsAndAuthoritiesTheirKeys() throws Exception {
        TestnetPlan plan = new TestnetPlan(tmp.resolve("net"), 5, 3, 30_000, "merkle");
        assertEquals(2, plan.majority());
        assertEquals(List.of(1, 2, 3), plan.authorities().stream().map(TestnetPlan.Node::index).toList());
        TestnetPlan.Node third = plan.nodes.get(2);
        assertEquals(List.of(30_020, 30_021, 30_022, 30_023, 30_024), List.of(third.consolePort(), third.trackerPort(),
                third.swarmPort(), third.orPort(), third.dirPort()));
        assertEquals(List.of("core", "console", "transport-onion", "directory-merkle", "tracker-journal",
                "share", "directory-authority"), plan.features(third, TestnetPlan.defaultFeatures("merkle")));
        assertEquals(TestnetPlan.defaultFeatures("merkle"), plan.features(plan.nodes.get(4),
                TestnetPlan.defaultFeatures("merkle")));

        plan.write();
        byte[] seed = Files.readAllBytes(third.authorityKeyFile());
        assertEquals(32, seed.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(third.authorityKeyFile())));
        assertFalse(Files.exists(plan.nodes.get(4).authorityKeyFile()), "a relay has no authority key");

        // Every node's file, read back exactly as `veilswarm run --config` reads it.
        Map<String, Map<String, Object>> authority = ConfigurationFile.read(third.configFile());
        Map<String, Object> a = authority.get(TestnetPlan.AUTHORITY_PID);
        String[] entries = (String[]) a.get("authorities");
        assertEquals(3, entries.length);
        for (int i = 0; i < 3; i++) {
            assertTrue(entries[i].endsWith("@127.0.0.1:" + (30_004 + 10 * i)), entries[i]);
            assertEquals(32, Base64.getDecoder().decode(entries[i].substring(0, entries[i].indexOf('@'))).length);
        }
        assertEquals(30_024L, a.get("port"));
        assertEquals(third.authorityKeyFile().toAbsolutePath().toString(), a.get("keyFile"));
        assertEquals(0L, a.get("hsdirMinUptimeSeconds"));
        Map<String, Object> onion = authority.get(TestnetPlan.ONION_PID);
        assertEquals(30_023L, onion.get("orPort"));
        assertEquals("merkle", onion.get("directoryScheme"));
        for (String pid : List.of(TestnetPlan.CONSENSUS_PID, TestnetPlan.MERKLE_PID)) {
            assertArrayEquals(entries, (String[]) authority.get(pid).get("authorities"), pid);
        }
        Map<String, Map<String, Object>> relay = ConfigurationFile.read(plan.nodes.get(4).configFile());
        assertFalse(relay.containsKey(TestnetPlan.AUTHORITY_PID));
        assertArrayEquals(entries, (String[]) relay.get(TestnetPlan.CONSENSUS_PID).get("authorities"));

        // A second run of the same shape keeps the authorities' keys; another shape is refused.
        new TestnetPlan(tmp.resolve("net"), 5, 3, 30_000, "merkle").write();
        assertArrayEquals(seed, Files.readAllBytes(third.authorityKeyFile()));
        assertTrue(TestnetPlan.read(tmp.resolve("net")).orElseThrow().sameShapeAs(plan));
        CliOutcome other = cli("testnet", "--nodes", "4", "--dir", tmp.resolve("net").toString());
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("holds another testnet (5 nodes, 3 authorities, merkle, base port 30000)"),
                other.err());
    }

    @Test
    void aConfigurationFileWithAWrongShapeIsRefusedWithItsName() throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{ \"org.veilswarm.transport.onion\": 5 }");
        CliException e = assertThrows(CliException.class, () -> ConfigurationFile.read(file));
        assertTrue(e.getMessage().contains("org.veilswarm.transport.onion"), e.getMessage());
        Files.writeString(file, "{ not json");
        assertTrue(assertThrows(CliException.class, () -> ConfigurationFile.read(file)).getMessage()
                .contains("Cannot read the configuration file"));
        Files.writeString(file, "{ \":configurator:resource-version\": 1, \"x\": { \"port:Integer\": 5, \"on\": true } }");
        Map<String, Object> x = ConfigurationFile.read(file).get("x");
        assertEquals(5, x.get("port"));
        assertEquals(Boolean.TRUE, x.get("on"));
    }

    /** Three authorities; lists signed by some of them, checked as the readiness check does. */
    @Test
    void theDirectoryCheckCountsOnlyValidSignaturesOfTheTestnetsAuthorities() throws Exception {
        List<KeyPair> authorities = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            authorities.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        }
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ConsensusProbe probe = new ConsensusProbe(Set.of(b64(raw(authorities.get(0))), b64(raw(authorities.get(1))),
                b64(raw(authorities.get(2)))));
        Instant after = Instant.parse("2026-11-22T06:00:00Z");
        byte[] body = body(after, after.plusSeconds(30), List.of("127.0.0.1:19003", "127.0.0.1:19013"));

        ConsensusProbe.Consensus two = probe.decode(signed(body, authorities.get(0), authorities.get(2)));
        assertEquals(List.of("127.0.0.1:19003", "127.0.0.1:19013"), two.orAddresses());
        assertEquals(Set.of(b64(raw(authorities.get(0))), b64(raw(authorities.get(2)))), two.signers());
        assertTrue(two.validAt(after.plusSeconds(29)));
        assertFalse(two.validAt(after.plusSeconds(30)));

        // A stranger's valid signature is not counted; a signature over other bytes is not either.
        assertEquals(Set.of(b64(raw(authorities.get(1)))), probe.decode(signed(body, authorities.get(1), stranger)).signers());
        byte[] other = body(after, after.plusSeconds(30), List.of("127.0.0.1:19003"));
        byte[] forged = signed(body, authorities.get(0));
        byte[] swapped = Arrays.copyOf(signed(other, authorities.get(0)), other.length + 1 + 96);
        System.arraycopy(forged, body.length + 1, swapped, other.length + 1, 96);
        assertEquals(Set.of(), probe.decode(swapped).signers());

        assertThrows(IOException.class, () -> probe.decode(Arrays.copyOf(body, 20)));
        byte[] trailing = Arrays.copyOf(signed(body, authorities.get(0)), body.length + 1 + 96 + 1);
        assertTrue(assertThrows(IOException.class, () -> probe.decode(trailing)).getMessage().contains("after the signatures"));
    }

    private static byte[] body(Instant validAfter, Instant validUntil, List<String> orAddresses) {
        List<byte[]> entries = new ArrayList<>();
        for (String address : orAddresses) {
            byte[] descriptor = ("veilswarm-relay-descriptor 1\nor-address " + address + "\n").getBytes(StandardCharsets.US_ASCII);
            entries.add(ByteBuffer.allocate(11 + descriptor.length).put((byte) 3).putLong(1_000_000)
                    .putShort((short) descriptor.length).put(descriptor).array());
        }
        ByteBuffer b = ByteBuffer.allocate(25 + entries.stream().mapToInt(e -> e.length).sum());
        b.put("VSMC".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).putLong(validAfter.getEpochSecond())
                .putLong(validUntil.getEpochSecond()).putInt(entries.size());
        entries.forEach(b::put);
        return b.array();
    }

    private static byte[] signed(byte[] body, KeyPair... signers) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("veilswarm-dir-consensus-signature-v1".getBytes(StandardCharsets.US_ASCII));
        byte[] digest = sha.digest(body);
        ByteBuffer b = ByteBuffer.allocate(body.length + 1 + 96 * signers.length).put(body).put((byte) signers.length);
        for (KeyPair k : signers) {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(k.getPrivate());
            s.update(digest);
            b.put(raw(k)).put(s.sign());
        }
        return b.array();
    }

    private static byte[] raw(KeyPair k) {
        byte[] encoded = k.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    private static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
