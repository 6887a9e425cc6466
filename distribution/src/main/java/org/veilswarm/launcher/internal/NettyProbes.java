package org.veilswarm.launcher.internal;

import java.lang.System.Logger.Level;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Runs, from the launcher and before the node's own bundles start, the Netty code that keeps an exception in a static
 * field for good. An exception holds the classes of every frame on the stack where it was made (its backtrace; Netty
 * replacing the printed stack trace does not drop it), so whichever bundle's code first ran that Netty code had its
 * first revision, class loader and all, kept for the life of the JVM: updates of that bundle, and of every bundle it
 * had loaded classes from, left one revision behind (docs/performance.md, "Node memory", sessions 15 and 16). From
 * here the frames are the launcher's and the framework's, which live as long as the JVM anyway. Two places, found with
 * heap dumps of {@code RetiredRevisionTest}:
 * <ul>
 * <li>Netty's handler bundle looks for Bouncy Castle's TLS classes the first time a TLS engine is made and keeps the
 * {@code ClassNotFoundException}s in {@code BouncyCastleUtil}: the onion transport's first revision;</li>
 * <li>Netty's HTTP codec makes {@code HttpObjectDecoder.TRANSFER_ENCODING_NOT_ALLOWED} when the class is initialised:
 * the first revision of directory-http (whose client initialised it), and through it those of directory-core and
 * crypto.</li>
 * </ul>
 */
final class NettyProbes {
    private static final System.Logger LOG = System.getLogger(NettyProbes.class.getName());
    static final String NETTY_HANDLER = "io.netty.handler";
    static final String BOUNCY_CASTLE_LOOKUP = "io.netty.handler.ssl.util.BouncyCastleUtil";
    static final String NETTY_HTTP = "io.netty.codec-http";
    static final String HTTP_DECODER = "io.netty.handler.codec.http.HttpObjectDecoder";

    private NettyProbes() {
    }

    /** Runs each probe whose Netty bundle is installed; anything going wrong is logged and ignored. */
    static void run(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if (NETTY_HANDLER.equals(b.getSymbolicName())) {
                probe(b, "Netty's Bouncy Castle lookup", () -> {
                    Class<?> util = b.loadClass(BOUNCY_CASTLE_LOOKUP);
                    return "available: " + util.getMethod("isBcProvAvailable").invoke(null);
                });
            } else if (NETTY_HTTP.equals(b.getSymbolicName())) {
                probe(b, "Netty's HTTP decoder initialisation", () -> {
                    Class.forName(HTTP_DECODER, true, b.loadClass(HTTP_DECODER).getClassLoader());
                    return "initialised";
                });
            }
        }
    }

    private interface Probe {
        String run() throws ReflectiveOperationException;
    }

    private static void probe(Bundle b, String what, Probe probe) {
        try {
            String result = probe.run();
            LOG.log(Level.DEBUG, () -> what + " done by the launcher (" + result + ")");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> what + " not done ahead (" + b.getSymbolicName() + "): " + e);
        }
    }
}
