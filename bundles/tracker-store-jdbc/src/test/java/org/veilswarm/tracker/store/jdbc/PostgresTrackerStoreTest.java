package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.memory.TrackerStoreContract;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The store contract against a real PostgreSQL server started for this class (see {@link PostgresServer}); each
 * store gets a database of its own. Plus what only a server shows: persistence across pools, a wrong password.
 */
class PostgresTrackerStoreTest extends TrackerStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer server;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    private String newDatabase() {
        String name = "store" + DATABASES.incrementAndGet();
        try {
            server.admin("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return server.url(name);
    }

    private HikariDataSource pool(String url) {
        HikariDataSource pool = PooledDataSources.open(url, PostgresServer.USER, PostgresServer.PASSWORD, 4);
        pools.add(pool);
        return pool;
    }

    @Override
    protected TrackerStore newStore() {
        return new JdbcTrackerStore(pool(newDatabase()));
    }

    @Test
    void dataSurviveANewPoolAndStore() {
        String url = newDatabase();
        HikariDataSource firstPool = pool(url);
        TrackerStore first = new JdbcTrackerStore(firstPool);
        TorrentRecord kept = record(hash(1), "kept", "across restarts", Set.of("pg"), List.of("a/b.txt"), T0);
        first.putTorrent(kept);
        first.announce(announce(peer(hash(1), 1, 0, T0), AnnounceEvent.COMPLETED, 0));
        firstPool.close();

        TrackerStore second = new JdbcTrackerStore(pool(url));
        assertEquals(Optional.of(kept), second.torrent(hash(1)));
        assertEquals(2, second.headSequence());
        assertEquals(1, second.statistics().completed());
    }

    /** Migration from schema version 1 on PostgreSQL (see {@code SchemaMigratorTest} for H2). */
    @Test
    void aVersion1DatabaseKeepsItsDataWhenMigrated() throws Exception {
        String url = newDatabase();
        try (HikariDataSource pool = PooledDataSources.open(url, PostgresServer.USER, PostgresServer.PASSWORD, 2)) {
            SchemaVersion1Database.write(pool);
        }
        try (HikariDataSource pool = PooledDataSources.open(url, PostgresServer.USER, PostgresServer.PASSWORD, 2)) {
            SchemaVersion1Database.assertKept(pool);
        }
    }

    @Test
    void aWrongPasswordFailsClearlyWithoutQuotingIt() {
        String url = newDatabase();
        String wrong = "not-the-password-91c2";
        TrackerDatabaseException e = assertThrows(TrackerDatabaseException.class,
                () -> PooledDataSources.open(url, PostgresServer.USER, wrong, 2));
        assertTrue(e.getMessage().contains(url), e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(PostgresServer.PASSWORD), e.getMessage());
    }

    @Test
    void anUnknownDatabaseFailsClearly() {
        String url = server.url("no_such_database");
        TrackerDatabaseException e = assertThrows(TrackerDatabaseException.class,
                () -> PooledDataSources.open(url, PostgresServer.USER, PostgresServer.PASSWORD, 2));
        assertTrue(e.getMessage().contains("no_such_database"), e.getMessage());
        assertFalse(e.getMessage().contains(PostgresServer.PASSWORD), e.getMessage());
    }
}
