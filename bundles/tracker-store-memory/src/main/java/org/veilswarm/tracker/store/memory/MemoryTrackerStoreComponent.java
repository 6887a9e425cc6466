package org.veilswarm.tracker.store.memory;


import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.tracker.TrackerStore;

/**
 * Registers a {@link MemoryTrackerStore} as the {@code tracker.store=memory} {@link TrackerStore}. A
 * configuration change replaces the component (no {@code modified} method), which empties the store: a
 * memory store has nothing to keep across restarts, and mirrors resynchronise with a snapshot. The component
 * is the store itself: there is no life cycle to manage beyond construction.
 */
@Component(service = TrackerStore.class, configurationPid = MemoryTrackerStoreComponent.PID,
        property = {TrackerStore.STORE + "=memory", MemoryTrackerStoreComponent.BLOCKING + ":Boolean=false"})
@Designate(ocd = MemoryTrackerStoreComponent.Config.class)
public class MemoryTrackerStoreComponent extends MemoryTrackerStore {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.tracker.store.memory";
    /** Service property the tracker reads: this store never blocks, so it may be called on an event loop. */
    static final String BLOCKING = "tracker.store.blocking";

    @ObjectClassDefinition(id = PID, name = "Veilswarm tracker store (memory)",
            description = "Keeps tracker state in memory, within fixed bounds; lost when the node stops.")
    public @interface Config {
        @AttributeDefinition(name = "Maximum torrents", min = "1",
                description = "Torrents with a record or peers; announces for further torrents are refused.")
        int maxTorrents() default 10_000;

        @AttributeDefinition(name = "Maximum peers per torrent", min = "1",
                description = "New peers of a full torrent get a peer list but are not recorded.")
        int maxPeersPerTorrent() default 2_000;

        @AttributeDefinition(name = "Maximum peers per answer", min = "1",
                description = "Upper bound of numwant.")
        int maxNumWant() default 200;

        @AttributeDefinition(name = "Change feed retention", min = "1",
                description = "Changes kept for mirrors; a mirror further behind takes a full snapshot.")
        int changeRetention() default 100_000;
    }

    @Activate
    public MemoryTrackerStoreComponent(Config config) {
        super(new MemoryStoreLimits(config.maxTorrents(), config.maxPeersPerTorrent(), config.maxNumWant(),
                config.changeRetention()));
    }
}
