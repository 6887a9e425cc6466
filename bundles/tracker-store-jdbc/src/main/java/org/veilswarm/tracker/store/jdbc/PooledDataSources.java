package org.veilswarm.tracker.store.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Opens a HikariCP pool over the driver's own {@link DataSource} for {@code jdbc:h2:} or {@code jdbc:postgresql:}
 * URLs. The driver data source is created directly rather than looked up through {@code DriverManager}, which
 * cannot see drivers in other bundles under OSGi.
 *
 * <p>The password goes to the driver only: it never appears in a message of this class (nor in a URL quoted
 * by one: {@code password=...} parameters are redacted).
 */
public final class PooledDataSources {
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    private PooledDataSources() {
    }

    /**
     * A pool of at most {@code poolSize} connections; connects once before returning, so that a wrong URL,
     * user or password fails here with a clear message.
     *
     * @throws IllegalArgumentException for a URL that is neither H2 nor PostgreSQL, or a pool size below 1
     * @throws TrackerDatabaseException if the database cannot be reached
     */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        Objects.requireNonNull(url, "url");
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + poolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setDataSource(driverDataSource(url, user == null ? "" : user, password == null ? "" : password));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setPoolName("veilswarm-tracker-store");
        config.setConnectionTimeout(10_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new TrackerDatabaseException("cannot connect to the tracker database " + redact(url) + " as user '"
                    + user + "': " + root.getMessage(), root);
        }
    }

    /** The URL with the values of {@code password=} parameters replaced by {@code ***}. */
    public static String redact(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1***");
    }

    /**
     * The H2 URL with {@code QUERY_CACHE_SIZE=64} unless it sets one: an announce runs about ten distinct
     * statements and H2 caches 8 parsed statements per session by default, so in least-recently-used order
     * every statement was parsed again at each announce.
     */
    static String withQueryCache(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains(";QUERY_CACHE_SIZE=") ? url
                : url + ";QUERY_CACHE_SIZE=64";
    }

    private static DataSource driverDataSource(String url, String user, String password) {
        if (url.startsWith("jdbc:h2:")) {
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL(withQueryCache(url));
            h2.setUser(user);
            h2.setPassword(password);
            return h2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
            try {
                pg.setURL(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a valid PostgreSQL JDBC URL: " + redact(url), e);
            }
            pg.setUser(user);
            pg.setPassword(password);
            return pg;
        }
        throw new IllegalArgumentException("unsupported tracker database URL " + redact(url)
                + ": expected jdbc:h2:... or jdbc:postgresql://host:port/database");
    }
}
