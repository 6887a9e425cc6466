package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/**
 * The DS component outside a framework: activated with the default configuration it puts an H2 database under
 * {@code <data>/tracker/}, and a second activation (a restart, or a replaced bundle) finds the data again.
 * Also: the PostgreSQL test harness fails with the install hint when the server binaries are missing.
 */
class JdbcTrackerStoreComponentTest {
    @TempDir
    Path data;

    @Test
    void theDefaultH2DatabaseLivesInTheDataDirectoryAndOutlivesTheComponent() {
        InfoHash hash = InfoHash.ofHex("cd".repeat(20));
        TorrentRecord record = new TorrentRecord(hash, "kept", "", Set.of(), 1, List.of("f"), Visibility.PUBLIC,
                Instant.parse("2026-11-22T00:00:00Z"));
        JdbcTrackerStoreComponent first = new JdbcTrackerStoreComponent(context(data), config(Map.of()));
        first.putTorrent(record);
        first.announce(new Announce(new PeerEntry(hash, "-VS0001-000000000001".getBytes(StandardCharsets.US_ASCII),
                new TransportAddress("127.0.0.1", 6881), 0, 0, 0, Instant.now()), AnnounceEvent.COMPLETED, 0));
        first.deactivate();
        assertTrue(Files.exists(data.resolve("tracker").resolve("tracker.mv.db")));

        JdbcTrackerStoreComponent second = new JdbcTrackerStoreComponent(context(data), config(Map.of()));
        try {
            assertEquals(Optional.of(record), second.torrent(hash));
            assertEquals(1, second.statistics().completed());
            assertEquals(2, second.headSequence());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aNodeThatTracksNothingOpensNoDatabase() {
        JdbcTrackerStoreComponent idle = new JdbcTrackerStoreComponent(context(data), config(Map.of()));
        try {
            // What an idle node's tracker, statistics sampler and mirror feed ask: answered as an empty database.
            assertEquals(0, idle.expirePeers(Instant.now()));
            assertEquals(new TrackerStatistics(0, 0, 0, 0), idle.statistics());
            assertEquals(0, idle.headSequence());
            assertEquals(List.of(), idle.changesSince(0, 100));
            assertFalse(idle.announceMayBlock(), "write-behind answers announces from memory");
            assertFalse(idle.isOpen());
            assertFalse(Files.exists(data.resolve("tracker")), "no database directory before it is needed");
        } finally {
            idle.deactivate();
        }
        assertFalse(Files.exists(data.resolve("tracker")));
    }

    @Test
    void theFirstCallThatNeedsTheDatabaseCreatesItAndARestartOpensItAtOnce() {
        InfoHash hash = InfoHash.ofHex("ab".repeat(20));
        JdbcTrackerStoreComponent first = new JdbcTrackerStoreComponent(context(data), config(Map.of()));
        try {
            assertEquals(Optional.empty(), first.torrent(hash), "a read of records opens (and creates) it");
            assertTrue(first.isOpen());
            first.putTorrent(new TorrentRecord(hash, "lazy", "", Set.of(), 1, List.of("f"), Visibility.PUBLIC,
                    Instant.parse("2026-11-23T00:00:00Z")));
            first.announce(new Announce(new PeerEntry(hash, "-VS0001-000000000002".getBytes(
                    StandardCharsets.US_ASCII), new TransportAddress("127.0.0.1", 6882), 10, 0, 0, Instant.now()),
                    AnnounceEvent.STARTED, 0));
        } finally {
            first.deactivate();
        }
        JdbcTrackerStoreComponent second = new JdbcTrackerStoreComponent(context(data), config(Map.of()));
        try {
            assertTrue(second.isOpen(), "an existing database is opened at activation");
            assertEquals(new TrackerStatistics(1, 0, 1, 0), second.statistics());
            assertEquals(2, second.headSequence());
        } finally {
            second.deactivate();
        }
        assertThrows(TrackerDatabaseException.class, () -> second.torrent(hash), "deactivated");
    }

    @Test
    void aConfiguredUrlIsOpenedAtActivation() {
        String url = "jdbc:h2:file:" + data.resolve("configured").resolve("db").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcTrackerStoreComponent configured = new JdbcTrackerStoreComponent(context(data),
                config(Map.of("url", url)));
        try {
            assertTrue(configured.isOpen());
            assertTrue(Files.exists(data.resolve("configured").resolve("db.mv.db")));
        } finally {
            configured.deactivate();
        }
    }

    @Test
    void aWrongPasswordFailsActivationWithoutQuotingIt() {
        JdbcTrackerStoreComponent first = new JdbcTrackerStoreComponent(context(data),
                config(Map.of("password", "first-secret")));
        first.torrent(InfoHash.ofHex("ef".repeat(20))); // creates the database with this password
        first.deactivate();
        TrackerDatabaseException e = assertThrows(TrackerDatabaseException.class,
                () -> new JdbcTrackerStoreComponent(context(data), config(Map.of("password", "second-secret"))));
        assertTrue(e.getMessage().contains("cannot connect to the tracker database"), e.getMessage());
        assertFalse(e.getMessage().contains("second-secret") || e.getMessage().contains("first-secret"),
                e.getMessage());
    }

    @Test
    void missingPostgresBinariesFailWithTheInstallHint() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PostgresServer.findBin(data.resolve("no-postgresql-here")));
        assertTrue(e.getMessage().contains("apt-get install -y postgresql"), e.getMessage());
    }

    /** A BundleContext that answers getProperty("veilswarm.data.dir") and nothing else. */
    private static BundleContext context(Path dataDir) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty") && "veilswarm.data.dir".equals(args[0])) {
                        return dataDir.toString();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The typed configuration with its defaults, some overridden (what SCR builds from ConfigurationAdmin). */
    private static JdbcTrackerStoreComponent.Config config(Map<String, Object> overrides) {
        return (JdbcTrackerStoreComponent.Config) Proxy.newProxyInstance(
                JdbcTrackerStoreComponent.Config.class.getClassLoader(),
                new Class<?>[] {JdbcTrackerStoreComponent.Config.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }
}
