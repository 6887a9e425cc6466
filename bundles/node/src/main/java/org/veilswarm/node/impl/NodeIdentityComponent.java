package org.veilswarm.node.impl;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;

/**
 * Registers the node's {@link NodeIdentity}, loading {@code <data>/keys/identity.ed25519} or creating it on
 * the first start. Immediate, so a missing or damaged key shows up when the node starts, not when a
 * transport first asks. Not configurable: the key file is the identity.
 *
 * <p>If the key file cannot be used, activation fails with a {@link NodeStartupException} naming the file
 * and the fix; SCR logs it and the service stays unregistered (nothing that needs the identity starts).
 * Logging: see {@link NodeLog}.
 */
@Component(name = NodeIdentityComponent.NAME, service = NodeIdentity.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class NodeIdentityComponent implements NodeIdentity {

    static final String NAME = "org.veilswarm.node.identity";

    private final Ed25519NodeIdentity identity;

    @Activate
    public NodeIdentityComponent(BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL)
            Logger logger) {
        NodeLog log = new NodeLog(logger, NodeIdentityComponent.class);
        try {
            DataDirectory data = DataDirectory.resolve(context.getProperty(NodeInfo.DATA_DIRECTORY_PROPERTY));
            IdentityKeyFile keyFile = IdentityKeyFile.in(data);
            IdentityKeyFile.Loaded loaded = keyFile.loadOrCreate();
            identity = new Ed25519NodeIdentity(loaded.keyPair());
            log.audit((loaded.created() ? "created a new node identity in " : "loaded the node identity from ")
                    + keyFile.path() + ": onion address " + identity.address());
        } catch (RuntimeException e) {
            log.error("the node identity is not available: " + e.getMessage(), e);
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        identity.close();
    }

    @Override
    public OnionAddress address() {
        return identity.address();
    }

    @Override
    public byte[] publicKey() {
        return identity.publicKey();
    }

    @Override
    public byte[] sign(byte[] message) {
        return identity.sign(message);
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return identity.verify(publicKey, message, signature);
    }

    @Override
    public ServiceKey serviceKey() {
        return identity.serviceKey();
    }
}
