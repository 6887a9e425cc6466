package org.veilswarm.tracker.store.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Registers a {@link JdbcTrackerStore} as the {@code tracker.store=jdbc} {@link TrackerStore}, over a HikariCP
 * pool. Without a configured URL the database is H2, embedded, in {@code <veilswarm.data.dir>/tracker/}; the data
 * survive restarts of the node and replacement of this bundle. A configuration change replaces the component.
 * By default announces are answered from memory and written behind ({@link WriteBehindTrackerStore}); with
 * {@code writeBehindMillis=0} every call blocks on the database (see {@link JdbcTrackerStore}). The service says
 * {@code tracker.store.blocking=true} either way: records, search and the feed still wait for the database.
 */
@Component(service = TrackerStore.class, configurationPid = JdbcTrackerStoreComponent.PID,
        property = {TrackerStore.STORE + "=jdbc", JdbcTrackerStoreComponent.BLOCKING + ":Boolean=true",
                Constants.SERVICE_RANKING + ":Integer=" + JdbcTrackerStoreComponent.RANKING})
@Designate(ocd = JdbcTrackerStoreComponent.Config.class)
public class JdbcTrackerStoreComponent implements TrackerStore {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.tracker.store.jdbc";
    /** Service property the tracker reads: every call blocks on the database (run it off the event loop). */
    static final String BLOCKING = "tracker.store.blocking";
    /**
     * Above the memory store's 0: with both installed, a tracker that takes any store binds this one, the
     * source of truth, and falls back to memory only while this one is away.
     */
    static final int RANKING = 10;

    @ObjectClassDefinition(id = PID, name = "Veilswarm tracker store (JDBC)",
            description = "Keeps tracker state in a database: H2 embedded by default, or PostgreSQL.")
    public @interface Config {
        @AttributeDefinition(name = "JDBC URL", required = false,
                description = "Empty: H2 in <data>/tracker/. Or jdbc:postgresql://host:5432/database")
        String url() default "";

        @AttributeDefinition(name = "User", required = false)
        String user() default "veilswarm";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
        String password() default "";

        @AttributeDefinition(name = "Pool size", min = "1", description = "Database connections at most.")
        int poolSize() default 4;

        @AttributeDefinition(name = "Maximum peers per torrent", min = "1")
        int maxPeersPerTorrent() default 2_000;

        @AttributeDefinition(name = "Maximum peers per answer", min = "1", description = "Upper bound of numwant.")
        int maxNumWant() default 200;

        @AttributeDefinition(name = "Change feed retention", min = "1",
                description = "Changes kept for mirrors; a mirror further behind takes a full snapshot.")
        int changeRetention() default 1_000_000;

        @AttributeDefinition(name = "Write-behind interval (ms)", min = "0",
                description = "Announces are answered from memory and written to the database every this many ms "
                        + "(a crash loses at most that much). 0: every announce waits for its own commit "
                        + "(write-through; use it when several trackers share one PostgreSQL database).")
        int writeBehindMillis() default 1_000;

        @AttributeDefinition(name = "Write-behind queue bound", min = "1",
                description = "Writes queued for the database at most; beyond it announces are answered 503.")
        int maxPendingWrites() default 100_000;
    }

    private final Config config;
    private final String url;
    /** Set once the database is open; until then see {@link #opened()}. */
    private volatile Database database;
    private boolean closed;

    /** An open database: the pool, and the store the calls go to (write-behind over JDBC, or JDBC alone). */
    private record Database(HikariDataSource pool, TrackerStore store, WriteBehindTrackerStore writeBehind) {
    }

    /**
     * Opens the database now, except for the embedded default when it does not exist yet: a node that tracks
     * nothing (a relay, an authority, a node before its first share) then loads no H2 and no pool — about 5 MB of
     * class metadata and three threads (docs/performance.md, "Node memory") — and the database is created by the
     * first call that needs it. A configured URL is always opened here, so a wrong one fails activation.
     */
    @Activate
    public JdbcTrackerStoreComponent(BundleContext context, Config config) {
        this.config = config;
        boolean embeddedDefault = config.url().isBlank();
        String dataDir = context.getProperty("veilswarm.data.dir");
        this.url = embeddedDefault ? defaultUrl(dataDir) : config.url();
        if (!embeddedDefault || Files.exists(embeddedFile(dataDir))) {
            this.database = open();
        }
    }

    private Database open() {
        HikariDataSource pool = PooledDataSources.open(url, config.user(), config.password(), config.poolSize());
        try {
            JdbcTrackerStore jdbc = new JdbcTrackerStore(pool, new JdbcStoreLimits(config.maxPeersPerTorrent(),
                    config.maxNumWant(), config.changeRetention()));
            WriteBehindTrackerStore writeBehind = config.writeBehindMillis() > 0 ? new WriteBehindTrackerStore(jdbc,
                    new WriteBehindSettings(Duration.ofMillis(config.writeBehindMillis()), config.maxPendingWrites(),
                            Duration.ofMillis(Math.max(10_000L, 20L * config.writeBehindMillis())))) : null;
            return new Database(pool, writeBehind != null ? writeBehind : jdbc, writeBehind);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The store, opening the database on the first call that needs it. */
    private TrackerStore store() {
        Database open = database;
        if (open != null) {
            return open.store();
        }
        synchronized (this) {
            if (closed) {
                throw new TrackerDatabaseException("the tracker store component is deactivated");
            }
            if (database == null) {
                database = open();
            }
            return database.store();
        }
    }

    /** Whether the database is open (the embedded default opens at the first call that needs it). */
    boolean isOpen() {
        return database != null;
    }

    /** The file of the embedded default database: {@code <data>/tracker/tracker.mv.db}. */
    static Path embeddedFile(String dataDir) {
        return Path.of(dataDir, "tracker", "tracker.mv.db");
    }

    /** The embedded H2 database file of a node: {@code <data>/tracker/tracker.mv.db}. */
    static String defaultUrl(String dataDir) {
        if (dataDir == null || dataDir.isBlank()) {
            throw new IllegalStateException("framework property veilswarm.data.dir is not set and no JDBC URL "
                    + "is configured in " + PID);
        }
        return "jdbc:h2:file:" + Path.of(dataDir, "tracker", "tracker").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    @Deactivate
    void deactivate() {
        Database open;
        synchronized (this) {
            closed = true;
            open = database;
        }
        if (open == null) {
            return;
        }
        try {
            if (open.writeBehind() != null) {
                open.writeBehind().close(); // the queued announces go to the database before the pool closes
            }
        } finally {
            open.pool().close();
        }
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        return store().announce(announce);
    }

    /**
     * No with write-behind (answered from memory), yes with write-through. Answered from the configuration, so
     * that asking does not open the database: the first announce of a node then opens it on the caller's thread.
     */
    @Override
    public boolean announceMayBlock() {
        return config.writeBehindMillis() <= 0;
    }

    @Override
    public CompactAnnounceResult announceCompact(Announce announce) {
        return store().announceCompact(announce);
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        return store().scrape(infoHashes);
    }

    @Override
    public int expirePeers(Instant cutoff) {
        return isOpen() ? store().expirePeers(cutoff) : 0; // a database not created yet holds no peers
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        store().putTorrent(record);
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        return store().torrent(infoHash);
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        return store().removeTorrent(infoHash);
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        return store().search(query, limit);
    }

    @Override
    public TrackerStatistics statistics() {
        return isOpen() ? store().statistics() : new TrackerStatistics(0, 0, 0, 0);
    }

    @Override
    public long headSequence() {
        return isOpen() ? store().headSequence() : 0; // a new database's feed_head (schema/1.sql)
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        if (!isOpen() && max >= 0) {
            return List.of();
        }
        return store().changesSince(afterSequence, max);
    }

    @Override
    public long apply(Change change) {
        return store().apply(change);
    }
}
