package org.veilswarm.node.impl;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.api.node.NodeStatus;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportInfo;

/**
 * Registers {@link NodeInfo}: the data directory and the node's status, configured through ConfigAdmin
 * under PID {@value #PID} (OSGi Compendium 104; the metatype is generated from {@link Config}).
 *
 * <p>Every {@link Transport} service with a {@value Transport#SCHEME} property is bound (dynamic, multiple,
 * greedy), so the status always lists the transports available now and warns when none is, or when none is
 * anonymous. A configuration change goes through {@link #modified(Config)}: the component is not restarted.
 * Immediate, so the node announces its address when it starts. Logging: see {@link NodeLog}.
 */
@Component(name = NodeInfoComponent.PID, configurationPid = NodeInfoComponent.PID, service = NodeInfo.class,
        immediate = true)
@Designate(ocd = NodeInfoComponent.Config.class)
public final class NodeInfoComponent implements NodeInfo {

    /** ConfigAdmin PID of the node's configuration. */
    public static final String PID = "org.veilswarm.node";

    @ObjectClassDefinition(id = PID, name = "Veilswarm node",
            description = "The node's own settings. Its identity is not configured here: it is the key file"
                    + " keys/identity.ed25519 in the data directory.")
    public @interface Config {

        @AttributeDefinition(name = "Nickname",
                description = "A display name for this node in the console and the CLI: 1-64 characters, no"
                        + " control characters. Not secret and not unique; the onion address identifies the node.")
        String nickname() default Nickname.DEFAULT;
    }

    private final BoundTransports transports = new BoundTransports();
    private final NodeLog log;
    private final DataDirectory data;
    private final NodeStatusReporter reporter;

    @Activate
    public NodeInfoComponent(BundleContext context, Config config,
            @Reference(name = "identity") NodeIdentity identity,
            @Reference(name = "logger", service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL)
            Logger logger) {
        log = new NodeLog(logger, NodeInfoComponent.class);
        data = DataDirectory.resolve(context.getProperty(NodeInfo.DATA_DIRECTORY_PROPERTY));
        reporter = new NodeStatusReporter(identity.address(), context.getBundle().getVersion().toString(),
                data.root(), Clock.systemUTC(), transports);
        reporter.configureNickname(config.nickname()).ifPresent(log::warn);
        NodeStatus status = reporter.status();
        log.audit("Veilswarm node '" + status.nickname() + "' started: onion address " + status.address()
                + ", version " + status.version() + ", data directory " + status.dataDirectory());
    }

    @Modified
    void modified(Config config) {
        String before = reporter.nickname();
        reporter.configureNickname(config.nickname()).ifPresentOrElse(log::warn, () -> {
            if (!before.equals(reporter.nickname())) {
                log.audit("nickname changed from '" + before + "' to '" + reporter.nickname() + "'");
            }
        });
    }

    @Deactivate
    void deactivate() {
        log.audit("Veilswarm node '" + reporter.nickname() + "' stopped");
    }

    @Reference(name = "transport", service = Transport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Transport.SCHEME + "=*)", updated = "updatedTransport", unbind = "unbindTransport")
    void bindTransport(Transport transport, Map<String, Object> properties) {
        String scheme = scheme(properties);
        transports.bind(serviceId(properties), scheme, transport);
        TransportInfo info = NodeStatusReporter.describe(new BoundTransports.Bound(0, scheme, transport));
        if (info.anonymous()) {
            log.info("transport bound: " + scheme + " (" + info.describe() + ")");
        } else {
            log.warn("transport bound: " + scheme + ": " + info.describe());
        }
    }

    void updatedTransport(Transport transport, Map<String, Object> properties) {
        transports.bind(serviceId(properties), scheme(properties), transport);
    }

    void unbindTransport(Transport transport, Map<String, Object> properties) {
        transports.unbind(serviceId(properties));
        log.info("transport unbound: " + scheme(properties));
    }

    @Override
    public Path dataDirectory() {
        return data.root();
    }

    @Override
    public Path area(String name) {
        return data.area(name);
    }

    @Override
    public NodeStatus status() {
        return reporter.status();
    }

    private static long serviceId(Map<String, Object> properties) {
        return (Long) properties.get(Constants.SERVICE_ID);
    }

    private static String scheme(Map<String, Object> properties) {
        Object scheme = properties.get(Transport.SCHEME);
        if (scheme instanceof String[] several) {
            return String.join(",", several);
        }
        return String.valueOf(scheme);
    }
}
