package org.veilswarm.console.impl.stats;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.api.transport.Transport;

/**
 * Samples every transport's relay counters every few seconds into a bounded ring, so the console can draw
 * relay traffic over time without the transports keeping any history themselves.
 */
@Component(service = StatsSampler.class, configurationPid = StatsSampler.PID, immediate = true)
@Designate(ocd = StatsSampler.Config.class)
public final class StatsSampler {

    public static final String PID = "org.veilswarm.console.stats";

    @ObjectClassDefinition(name = "Veilswarm console statistics",
            description = "How often the console samples relay counters and how many samples it keeps.")
    public @interface Config {
        @AttributeDefinition(name = "Sample interval (seconds)", min = "1", max = "3600")
        int sampleSeconds() default 5;

        @AttributeDefinition(name = "Samples kept", min = "2", max = "100000",
                description = "720 samples of 5 s are the last hour.")
        int samplesKept() default 720;
    }

    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final Map<Transport, String> schemes = new ConcurrentHashMap<>();
    private final Map<String, EpochTotals> totals = new ConcurrentHashMap<>();
    private final SampleRing ring;
    private final int sampleSeconds;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer;
    private final RunningTotals<Object> uploaded = new RunningTotals<>();
    private final RunningTotals<Object> downloaded = new RunningTotals<>();

    /** Uploads and downloads, while the share feature's swarm engine runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TransferSource transferSource;

    @Activate
    public StatsSampler(Config config) {
        this(config, true);
    }

    /** @param scheduled whether to sample on a timer (tests call {@link #sample()} themselves) */
    StatsSampler(Config config, boolean scheduled) {
        this.sampleSeconds = Math.max(1, config.sampleSeconds());
        this.ring = new SampleRing(Math.max(2, config.samplesKept()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-console-stats");
            t.setDaemon(true);
            return t;
        });
        if (scheduled) {
            timer.scheduleAtFixedRate(this::sample, 0, sampleSeconds, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void stop() {
        timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTransport(Transport transport, Map<String, Object> properties) {
        Object scheme = properties.get(Transport.SCHEME);
        schemes.put(transport, scheme == null ? "unnamed" : scheme.toString());
        transports.add(transport);
    }

    void removeTransport(Transport transport) {
        transports.remove(transport);
        schemes.remove(transport);
    }

    /** Takes one sample now (the timer calls this; tests may too). */
    public void sample() {
        Map<String, StatsSample.Totals> byScheme = new TreeMap<>();
        Map<String, CircuitCounts> circuits = new TreeMap<>();
        for (Transport transport : transports) {
            String scheme = schemes.getOrDefault(transport, "unnamed");
            try {
                byScheme.put(scheme, totals.computeIfAbsent(scheme, s -> new EpochTotals())
                        .update(transport.relayCounters()));
                transport.circuitCounts().ifPresent(counts -> circuits.put(scheme, counts));
            } catch (RuntimeException e) {
                // A transport going away mid-sample: its line just has a gap at this point.
            }
        }
        ring.add(new StatsSample(clock.instant(), byScheme, transfers(), circuits, serviceCounts()));
    }

    /** Set by DS; tests set it to read transfers from a source of their own. */
    void transferSource(TransferSource source) {
        this.transferSource = source;
    }

    private Optional<StatsSample.Transfers> transfers() {
        TransferSource source = transferSource;
        if (source == null) {
            return Optional.empty();
        }
        try {
            TransferReading reading = source.read();
            return Optional.of(new StatsSample.Transfers(uploaded.update(reading.uploaded()),
                    downloaded.update(reading.downloaded()), reading.uploadRate(), reading.downloadRate(),
                    reading.torrents(), reading.peers()));
        } catch (RuntimeException e) {
            // The engine stopping mid-sample: no transfer point this time.
            return Optional.empty();
        }
    }

    /**
     * The onion services figures of every bound transport that reports them, by scheme, read now (each sample
     * keeps them too, for the introductions graph); empty when none does.
     */
    public Map<String, ServiceCounts> serviceCounts() {
        Map<String, ServiceCounts> byScheme = new TreeMap<>();
        for (Transport transport : transports) {
            try {
                transport.serviceCounts().ifPresent(counts ->
                        byScheme.put(schemes.getOrDefault(transport, "unnamed"), counts));
            } catch (RuntimeException e) {
                // A transport going away while asked: left out this time.
            }
        }
        return byScheme;
    }

    public List<StatsSample> samples() {
        return ring.snapshot();
    }

    public int sampleSeconds() {
        return sampleSeconds;
    }

    public int capacity() {
        return ring.capacity();
    }
}
