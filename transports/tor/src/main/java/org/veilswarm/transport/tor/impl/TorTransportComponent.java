package org.veilswarm.transport.tor.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.transport.tor.monitor.BandwidthSample;
import org.veilswarm.transport.tor.monitor.BootstrapProgress;
import org.veilswarm.transport.tor.monitor.CircuitInfo;
import org.veilswarm.transport.tor.monitor.LogEntry;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;

/**
 * Registers the tor transport ({@code transport.scheme=tor}) and its {@link TorMonitor}. Without
 * configuration it launches its own client tor in {@code <veilswarm.data.dir>/tor}. Activation never waits
 * for tor: the service is there at once, calls wait until tor has bootstrapped, and a failure shows in the
 * monitor and the log while the node runs on its other transports. A configuration change restarts the
 * component (no {@code modified}, OSGi Compendium 112.7.1), and with it an owned tor. A configuration file in the
 * deploy directory that is not applied yet is waited for ({@link PendingDeployedConfiguration}).
 */
@Component(service = {Transport.class, TorMonitor.class}, configurationPid = TorTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = Transport.SCHEME + "=" + TorTransportEngine.SCHEME)
@Designate(ocd = TorTransportComponent.Config.class)
public class TorTransportComponent implements Transport, TorMonitor {
    public static final String PID = "org.veilswarm.transport.tor";
    /** Framework property naming the node's data directory (brief: data directory contract). */
    static final String DATA_DIR_PROPERTY = "veilswarm.data.dir";

    @ObjectClassDefinition(id = PID, name = "Veilswarm tor transport",
            description = "Onion services and streams through a real C tor (Debian package tor): launched by the node, or an "
                    + "existing tor reached through its control port.")
    public @interface Config {
        @AttributeDefinition(name = "Mode", options = {@Option(value = "owned", label = "Launch and own a tor"),
                @Option(value = "attach", label = "Attach to a running tor's control port")})
        String mode() default "owned";

        @AttributeDefinition(name = "tor executable", required = false,
                description = "Owned mode: path of the tor binary. Empty: PATH, then /usr/sbin/tor.")
        String torExecutable() default "";

        @AttributeDefinition(name = "Control host", description = "Attach mode: host of tor's control port (keep it on loopback).")
        String controlHost() default "127.0.0.1";

        @AttributeDefinition(name = "Control port", min = "0", max = "65535", description = "Attach mode: tor's ControlPort.")
        int controlPort() default 9051;

        @AttributeDefinition(name = "Control password", type = AttributeType.PASSWORD, required = false,
                description = "Attach mode: for HashedControlPassword; empty when tor uses cookie authentication.")
        String controlPassword() default "";

        @AttributeDefinition(name = "SOCKS port", min = "0", max = "65535",
                description = "Owned: port to open on 127.0.0.1, 0 lets tor choose. Attach: port to use, 0 asks tor.")
        int socksPort() default 0;

        @AttributeDefinition(name = "Relay", description = "Owned mode: also run as a non-exit middle relay (ExitRelay 0, "
                + "ExitPolicy reject *:*). Relayed bytes earn share ratio.")
        boolean relay() default false;

        @AttributeDefinition(name = "ORPort", min = "0", max = "65535", description = "Relay: ORPort, 0 for auto.")
        int orPort() default 0;

        @AttributeDefinition(name = "Bandwidth rate (bytes/s)", min = "0", description = "BandwidthRate; 0 keeps tor's default.")
        long bandwidthRate() default 0;

        @AttributeDefinition(name = "Bandwidth burst (bytes/s)", min = "0", description = "BandwidthBurst; 0 keeps tor's default.")
        long bandwidthBurst() default 0;

        @AttributeDefinition(name = "Extra torrc lines", required = false, description = "Owned mode: further 'Key value' "
                + "lines, e.g. TestingTorNetwork 1 and DirAuthority lines for a private network.")
        String[] extraTorrcLines() default {};

        @AttributeDefinition(name = "Bootstrap timeout (s)", min = "1")
        int bootstrapTimeoutSeconds() default 180;

        @AttributeDefinition(name = "Connect timeout (s)", min = "1",
                description = "Longest wait for one stream to an onion service (descriptor, introduction, rendezvous).")
        int connectTimeoutSeconds() default 120;

        @AttributeDefinition(name = "Relay counter epoch (minutes)", min = "1")
        int counterEpochMinutes() default 60;
    }

    private final TorTransportEngine engine;

    /**
     * Starts the engine, unless this activation has no configuration while one for {@link #PID} lies in the
     * deploy directory: FileInstall applies it in a moment, DS then replaces this instance by one with it, and
     * until then no tor runs (the defaults would launch one for the public Tor network).
     */
    @Activate
    public TorTransportComponent(Config config, BundleContext context, Map<String, Object> properties) {
        this.engine = new TorTransportEngine(settingsOf(config, dataDirectory(context)));
        Optional<Path> pending = PendingDeployedConfiguration.find(PID, properties,
                context.getProperty(PendingDeployedConfiguration.FILEINSTALL_DIR));
        if (pending.isPresent()) {
            engine.awaitConfiguration(pending.get());
        } else {
            engine.start();
        }
    }

    private static Path dataDirectory(BundleContext context) {
        String data = context.getProperty(DATA_DIR_PROPERTY);
        if (data != null && !data.isBlank()) {
            return Path.of(data, "tor");
        }
        // Outside the launcher (tests, a bare framework): the bundle's own storage area.
        return context.getDataFile("tor").toPath();
    }

    static TorTransportSettings settingsOf(Config config, Path dataDirectory) {
        TorTransportSettings.Mode mode = switch (config.mode().trim().toLowerCase(Locale.ROOT)) {
            case "owned" -> TorTransportSettings.Mode.OWNED;
            case "attach" -> TorTransportSettings.Mode.ATTACH;
            default -> throw new IllegalArgumentException("mode must be 'owned' or 'attach', got '" + config.mode() + "'");
        };
        Optional<Path> executable = config.torExecutable().isBlank() ? Optional.empty() : Optional.of(Path.of(config.torExecutable()));
        List<String> extra = Arrays.stream(config.extraTorrcLines()).filter(l -> !l.isBlank()).toList();
        return new TorTransportSettings(mode, executable, dataDirectory, config.controlHost(), config.controlPort(),
                config.controlPassword(), config.socksPort(), config.relay(), config.orPort(), config.bandwidthRate(),
                config.bandwidthBurst(), extra, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(config.bootstrapTimeoutSeconds()), Duration.ofSeconds(config.connectTimeoutSeconds()),
                Duration.ofMinutes(config.counterEpochMinutes()));
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    TorTransportEngine engine() {
        return engine;
    }

    @Override
    public TransportInfo info() {
        return engine.info();
    }

    @Override
    public boolean canReach(TransportAddress address) {
        return engine.canReach(address);
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return engine.listen(key, port, childInitializer);
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return engine.connect(to, initializer);
    }

    @Override
    public RelayCounters relayCounters() {
        return engine.relayCounters();
    }

    @Override
    public java.util.Optional<org.veilswarm.api.transport.CircuitCounts> circuitCounts() {
        return engine.circuitCounts();
    }

    @Override
    public TorState state() {
        return engine.monitor().state();
    }

    @Override
    public BootstrapProgress bootstrap() {
        return engine.monitor().bootstrap();
    }

    @Override
    public List<BandwidthSample> bandwidth() {
        return engine.monitor().bandwidth();
    }

    @Override
    public List<CircuitInfo> circuits() {
        return engine.monitor().circuits();
    }

    @Override
    public List<LogEntry> log() {
        return engine.monitor().log();
    }
}
