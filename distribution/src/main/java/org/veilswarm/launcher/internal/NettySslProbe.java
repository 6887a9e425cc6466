package org.veilswarm.launcher.internal;

import java.lang.System.Logger.Level;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Makes Netty's handler bundle look for Bouncy Castle's TLS classes once, from the launcher, before any bundle
 * builds a TLS context. Netty does that lookup the first time a TLS engine is made, and keeps the
 * {@code ClassNotFoundException}s of what it did not find in static fields of {@code BouncyCastleUtil} for good; an
 * exception's stack trace holds the classes of every frame on it, so the first caller's bundle revision, class
 * loader and all, could never be collected. That caller was the onion transport, whose first revision a running
 * node kept after every update (docs/performance.md, "Node memory", session 15). From here the frames are the
 * launcher's and the framework's, which live as long as the JVM anyway.
 */
final class NettySslProbe {
    private static final System.Logger LOG = System.getLogger(NettySslProbe.class.getName());
    static final String NETTY_HANDLER = "io.netty.handler";
    static final String PROBED_CLASS = "io.netty.handler.ssl.util.BouncyCastleUtil";

    private NettySslProbe() {
    }

    /** Runs the lookup if Netty's handler bundle is installed; anything going wrong is logged and ignored. */
    static void run(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if (NETTY_HANDLER.equals(b.getSymbolicName())) {
                try {
                    Class<?> util = b.loadClass(PROBED_CLASS);
                    Object available = util.getMethod("isBcProvAvailable").invoke(null);
                    LOG.log(Level.DEBUG, () -> "Netty's Bouncy Castle lookup done by the launcher (available: "
                            + available + ")");
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "Netty's Bouncy Castle lookup not done ahead: " + e);
                }
                return;
            }
        }
    }
}
