package org.veilswarm.tracker.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Brings a database to the schema this store knows. Version {@code n} is the script {@code schema/n.sql}
 * beside this class (plus, for version 2, {@link FeedMigration}, which re-encodes the feed in Java); the
 * {@code schema_version} table lists the versions applied. All missing scripts run in
 * one transaction with their {@code schema_version} rows, so a failed migration leaves the database as it was
 * on PostgreSQL (transactional DDL); H2 commits DDL implicitly, so on H2 a half-applied script must be
 * repaired by hand (the scripts are small and have never failed on a fresh database).
 *
 * <p>A database whose schema is newer than {@link #LATEST} belongs to a newer store: it is refused rather than
 * written with assumptions that may no longer hold.
 */
public final class SchemaMigrator {
    /** The newest schema version this store knows. */
    public static final int LATEST = 2;

    private SchemaMigrator() {
    }

    /**
     * Applies the missing migrations; a no-op on a current database.
     *
     * @return the versions applied now, in order (empty when the schema was current)
     * @throws UnsupportedSchemaException if the database has a newer schema than {@link #LATEST}
     */
    public static List<Integer> migrate(DataSource dataSource) {
        return migrate(dataSource, LATEST);
    }

    /** {@link #migrate(DataSource)} up to {@code target} only (tests build databases of older versions). */
    static List<Integer> migrate(DataSource dataSource, int target) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                            + "applied_seconds BIGINT NOT NULL)");
                }
                int current = currentVersion(c);
                if (current > LATEST) {
                    throw new UnsupportedSchemaException("the tracker database has schema version " + current
                            + ", newer than version " + LATEST + " that this tracker-store-jdbc bundle knows: "
                            + "install the newer bundle (or restore a backup) instead of downgrading");
                }
                List<Integer> applied = new ArrayList<>();
                for (int version = current + 1; version <= target; version++) {
                    for (String sql : statements(script(version))) {
                        try (Statement s = c.createStatement()) {
                            s.execute(sql);
                        }
                    }
                    if (version == 2) {
                        FeedMigration.fromVersion1(c); // re-encodes the feed: not expressible in portable SQL
                    }
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO schema_version (version, applied_seconds) VALUES (?, ?)")) {
                        p.setInt(1, version);
                        p.setLong(2, Instant.now().getEpochSecond());
                        p.executeUpdate();
                    }
                    applied.add(version);
                }
                c.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new TrackerDatabaseException("migrating the tracker database schema failed: " + e.getMessage(), e);
        }
    }

    /** The schema version of the database, 0 for an empty one. */
    public static int currentVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return currentVersion(c);
        } catch (SQLException e) {
            throw new TrackerDatabaseException("reading the tracker database schema version failed: "
                    + e.getMessage(), e);
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static String script(int version) {
        String name = "schema/" + version + ".sql";
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + name + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration script " + name, e);
        }
    }

    /** Splits a script at semicolons that end a line, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration script ends without ';': " + current);
        }
        return out;
    }
}
