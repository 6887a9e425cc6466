package org.veilswarm.node.impl;

import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.api.node.ServiceKeys;
import org.veilswarm.api.transport.ServiceKey;

/**
 * Registers the node's {@link ServiceKeys}: per-share onion service keys in {@code <data>/keys/shares/}
 * ({@link ShareKeyStore}). Not configurable: the files are the keys.
 */
@Component(name = "org.veilswarm.node.servicekeys", service = ServiceKeys.class,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ServiceKeysComponent implements ServiceKeys {
    /** Sub-directory of {@code <data>/keys/} holding one directory of keys per share. */
    static final String SHARES = "shares";

    private final ShareKeyStore store;

    @Activate
    public ServiceKeysComponent(BundleContext context) {
        DataDirectory data = DataDirectory.resolve(context.getProperty(NodeInfo.DATA_DIRECTORY_PROPERTY));
        this.store = new ShareKeyStore(data.area(IdentityKeyFile.KEYS_AREA).resolve(SHARES));
    }

    @Override
    public List<ServiceKey> forShare(String share, int k) {
        return store.forShare(share, k);
    }

    @Override
    public boolean deleteShare(String share) {
        return store.deleteShare(share);
    }
}
