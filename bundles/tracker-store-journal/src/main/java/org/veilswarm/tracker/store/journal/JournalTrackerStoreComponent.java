package org.veilswarm.tracker.store.journal;

import java.nio.file.Path;
import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.memory.MemoryStoreLimits;

/**
 * Registers a {@link JournalTrackerStore} as the {@code tracker.store=journal} {@link TrackerStore}, in
 * {@code <veilswarm.data.dir>/tracker/journal/} unless configured elsewhere. A configuration change replaces the
 * component: the old store writes and closes its files, the new one reads them. The service says
 * {@code tracker.store.blocking=true} (records and the feed wait for the disk) while its announces never block.
 */
@Component(service = TrackerStore.class, configurationPid = JournalTrackerStoreComponent.PID,
        property = {TrackerStore.STORE + "=journal", JournalTrackerStoreComponent.BLOCKING + ":Boolean=true",
                Constants.SERVICE_RANKING + ":Integer=" + JournalTrackerStoreComponent.RANKING})
@Designate(ocd = JournalTrackerStoreComponent.Config.class)
public class JournalTrackerStoreComponent extends JournalTrackerStore {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.tracker.store.journal";
    static final String BLOCKING = "tracker.store.blocking";
    /**
     * Above the memory store's 0 (a memory store installed beside it stands in only while this one is away), below
     * the JDBC store's 10 (an operator who installs a database means to use it).
     */
    static final int RANKING = 5;

    @ObjectClassDefinition(id = PID, name = "Veilswarm tracker store (journal)",
            description = "Answers from memory and keeps tracker state in an append-only journal with snapshots: "
                    + "records, peers, counters and the change feed survive restarts, with no database.")
    public @interface Config {
        @AttributeDefinition(name = "Directory", required = false,
                description = "Empty: <data>/tracker/journal/")
        String directory() default "";

        @AttributeDefinition(name = "Flush interval (ms)", min = "1",
                description = "Announces are written at most this long after they were answered (a crash loses at "
                        + "most that much); records and the feed are written before their calls return.")
        int flushMillis() default 1_000;

        @AttributeDefinition(name = "Force to disk",
                description = "fdatasync after every flush, so a power loss cannot take more than one interval.")
        boolean fsync() default true;

        @AttributeDefinition(name = "Compact after (bytes)", min = "4096",
                description = "The journal is folded into a snapshot once longer than this and the last snapshot.")
        long compactAfterBytes() default 8L << 20;

        @AttributeDefinition(name = "Unwritten bytes at most", min = "65536",
                description = "While the disk fails, announces are refused (503) once this much waits to be written.")
        long maxPendingBytes() default 64L << 20;

        @AttributeDefinition(name = "Maximum torrents", min = "1")
        int maxTorrents() default 10_000;

        @AttributeDefinition(name = "Maximum peers per torrent", min = "1")
        int maxPeersPerTorrent() default 2_000;

        @AttributeDefinition(name = "Maximum peers per answer", min = "1", description = "Upper bound of numwant.")
        int maxNumWant() default 200;

        @AttributeDefinition(name = "Change feed retention", min = "1",
                description = "Changes kept for mirrors; a mirror further behind takes a full snapshot.")
        int changeRetention() default 100_000;
    }

    @Activate
    public JournalTrackerStoreComponent(BundleContext context, Config config) {
        super(settings(context.getProperty("veilswarm.data.dir"), config));
    }

    static JournalSettings settings(String dataDir, Config config) {
        Path directory;
        if (!config.directory().isBlank()) {
            directory = Path.of(config.directory());
        } else if (dataDir != null && !dataDir.isBlank()) {
            directory = Path.of(dataDir, "tracker", "journal");
        } else {
            throw new JournalException("framework property veilswarm.data.dir is not set and no directory is "
                    + "configured in " + PID);
        }
        return new JournalSettings(directory.toAbsolutePath(),
                new MemoryStoreLimits(config.maxTorrents(), config.maxPeersPerTorrent(), config.maxNumWant(),
                        config.changeRetention()),
                Duration.ofMillis(config.flushMillis()), config.fsync(), config.compactAfterBytes(),
                config.maxPendingBytes());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
