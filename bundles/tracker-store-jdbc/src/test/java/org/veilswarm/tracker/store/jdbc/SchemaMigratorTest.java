package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

/** Migrations on H2 file databases: fresh, re-run, newer schema, and the script splitter. */
class SchemaMigratorTest {
    @TempDir
    Path dir;

    private HikariDataSource pool(String name) {
        return PooledDataSources.open("jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 2);
    }

    @Test
    void aFreshDatabaseGetsEveryVersionAndAReRunIsANoOp() throws Exception {
        try (HikariDataSource pool = pool("fresh")) {
            assertEquals(List.of(1, 2), SchemaMigrator.migrate(pool));
            assertEquals(SchemaMigrator.LATEST, SchemaMigrator.currentVersion(pool));
            assertEquals(List.of(), SchemaMigrator.migrate(pool));
            new JdbcTrackerStore(pool);
            assertEquals(SchemaMigrator.LATEST, SchemaMigrator.currentVersion(pool));
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    var r = s.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                r.next();
                assertEquals(SchemaMigrator.LATEST, r.getInt(1), "one row per applied version, never twice");
            }
        }
    }

    /**
     * A file written by a version 1 store (records, peers, counters, a feed longer than one version 2 row),
     * closed, then opened by the current store: migrated to version 2 with everything kept, the feed change for
     * change with its sequence numbers.
     */
    @Test
    void aVersion1FileKeepsItsDataWhenOpenedByTheCurrentStore() throws Exception {
        try (HikariDataSource pool = pool("v1")) {
            SchemaVersion1Database.write(pool);
            assertEquals(1, SchemaMigrator.currentVersion(pool));
        }
        try (HikariDataSource pool = pool("v1")) {
            SchemaVersion1Database.assertKept(pool);
        }
    }

    @Test
    void aNewerSchemaIsRefusedWithAClearMessage() throws Exception {
        try (HikariDataSource pool = pool("newer")) {
            SchemaMigrator.migrate(pool);
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO schema_version (version, applied_seconds) VALUES (" + (SchemaMigrator.LATEST + 1)
                        + ", 0)");
            }
            UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class,
                    () -> new JdbcTrackerStore(pool));
            assertTrue(e.getMessage().contains("schema version " + (SchemaMigrator.LATEST + 1)), e.getMessage());
            assertTrue(e.getMessage().contains("newer"), e.getMessage());
        }
    }

    @Test
    void scriptsSplitAtLineEndingSemicolonsAndDropComments() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)"),
                SchemaMigrator.statements("-- comment; not a statement\nCREATE TABLE a (x INT);\n\n"
                        + "INSERT INTO a\nVALUES (1);\n").stream().map(s -> s.replace("\n", " ")).toList());
        assertThrows(IllegalStateException.class, () -> SchemaMigrator.statements("CREATE TABLE b (y INT)"));
    }
}
