package org.veilswarm.share.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.ServiceKeys;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.Shares;
import org.veilswarm.share.impl.LinkSettings;
import org.veilswarm.share.impl.ShareContext;
import org.veilswarm.share.impl.ShareService;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * {@link Shares} over the node's swarm engine, tracker, tracker store and transports. Thin: the work is in
 * {@link ShareService}. Shares are kept in
 * {@code <veilswarm.data.dir>/shares/} and restored on activation (the tracker's tokens are registered again,
 * since the tracker keeps none across its own restarts). Configuration PID {@value #PID} (shared with
 * {@link DownloadComponent}) says which transport links name, which transport reaches a link, and on how many
 * onion services of its own each share is published ({@code servicesPerShare}, keys from the node's
 * {@link ServiceKeys}).
 */
@Component(service = Shares.class, configurationPid = ShareComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ShareComponent.Config.class)
public final class ShareComponent extends ShareContextComponent implements Shares {
    static final String DATA_DIR = "veilswarm.data.dir";
    static final String PID = "org.veilswarm.share";

    @ObjectClassDefinition(id = PID, name = "Veilswarm shares and downloads",
            description = "Which transport share links name, and which transport downloads use to reach a link.")
    public @interface Config {
        @AttributeDefinition(name = "Link transport", description = "prefer-onion: links name the node's onion "
                + "service when the tor or onion transport publishes the tracker, else the direct transport (NOT "
                + "anonymous, with a warning); onion-only: no share without an onion link; direct: the direct "
                + "transport (LAN, tests).", options = {
                    @Option(value = "prefer-onion", label = "Onion service when there is one"),
                    @Option(value = "onion-only", label = "Onion service only"),
                    @Option(value = "direct", label = "Direct transport (not anonymous)")})
        String linkTransport() default "prefer-onion";

        @AttributeDefinition(name = "Onion wait (s)", min = "0", description = "How long a new share waits for the "
                + "tracker's onion service when an anonymous transport is bound but not published yet.")
        int onionWaitSeconds() default 120;

        @AttributeDefinition(name = "Onion services per share (K)", min = "0", max = "8", description = "How many "
                + "onion services of its own each share is published on (K-way multiplexing): a downloader opens a "
                + "peer connection to each over its own circuit. Each service has its own key, kept in "
                + "<data>/keys/shares/. 0: shares are listed under the node's own onion service only. A change "
                + "restarts the share component, which publishes every share again with the new K.")
        int servicesPerShare() default 2;

        @AttributeDefinition(name = "Transport order", description = "Schemes tried first, in this order, when "
                + "several transports reach an address (both tor and onion reach .onion addresses).")
        String[] transportOrder() default {"onion", "tor"};
    }

    /** K from the configuration, checked: 0 to {@link ShareContext#MAX_SERVICES_PER_SHARE}. */
    static int servicesPerShare(Config config) {
        int k = config.servicesPerShare();
        if (k < 0 || k > ShareContext.MAX_SERVICES_PER_SHARE) {
            throw new IllegalArgumentException("servicesPerShare must be 0-" + ShareContext.MAX_SERVICES_PER_SHARE
                    + ", got " + k);
        }
        return k;
    }

    static LinkSettings linkSettings(Config config) {
        if (config.onionWaitSeconds() < 0) {
            throw new IllegalArgumentException("onionWaitSeconds must be >= 0, got " + config.onionWaitSeconds());
        }
        return new LinkSettings(LinkSettings.Policy.parse(config.linkTransport()),
                java.time.Duration.ofSeconds(config.onionWaitSeconds()),
                java.util.Arrays.stream(config.transportOrder()).map(String::trim).filter(t -> !t.isEmpty()).toList());
    }

    private final ShareService shares;

    @Activate
    public ShareComponent(@Reference(name = "engine") SwarmEngine engine,
            @Reference(name = "trackerShares") TrackerShares trackerShares,
            @Reference(name = "identity") NodeIdentity identity,
            @Reference(name = "serviceKeys") ServiceKeys serviceKeys, Config config, BundleContext context) {
        this.shares = new ShareService(shareContext(engine, trackerShares, identity, config, context,
                Optional.of(serviceKeys), servicesPerShare(config)));
        shares.start();
    }

    static int peerPort(BundleContext context) {
        var ref = context.getServiceReference(SwarmEngine.class);
        Object port = ref == null ? null : ref.getProperty(SwarmEngineComponent.PORT_PROPERTY);
        return port instanceof Integer p ? p : SwarmEngineComponent.DEFAULT_PORT;
    }

    @Deactivate
    void deactivate() {
        shares.close();
    }

    // --- Shares ------------------------------------------------------------------------------------------

    @Override
    public RevealReport preview(Path path) {
        return shares.preview(path);
    }

    @Override
    public Share create(Path path, ShareOptions options, ShareProgressListener listener) {
        return shares.create(path, options, listener);
    }

    @Override
    public List<Share> list() {
        return shares.list();
    }

    @Override
    public Optional<Share> get(String id) {
        return shares.get(id);
    }

    @Override
    public Share publish(String id, boolean revokePrivate) {
        return shares.publish(id, revokePrivate);
    }

    @Override
    public Share revoke(String id, org.veilswarm.api.tracker.Visibility visibility) {
        return shares.revoke(id, visibility);
    }

    @Override
    public boolean remove(String id) {
        return shares.remove(id);
    }
}
