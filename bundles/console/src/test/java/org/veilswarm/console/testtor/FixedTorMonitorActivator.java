package org.veilswarm.console.testtor;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.veilswarm.transport.tor.monitor.TorMonitor;

/**
 * Registers a {@link FixedTorMonitor} as the tor bundle's DS component would; the test bundle ConsoleHttpTest
 * builds from these classes and the tor bundle's monitor package stands in for the tor transport.
 */
public final class FixedTorMonitorActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        context.registerService(TorMonitor.class, new FixedTorMonitor(5), null);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
