package org.veilswarm.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.veilswarm.launcher.OneNodeTest;
import org.veilswarm.launcher.TestNodes;

/**
 * Netty keeps the exceptions of its Bouncy Castle lookup for good, and with them the classes of every frame that
 * was on the stack when it first looked ({@link NettyProbes}). A node of the real core feature in Felix: the lookup
 * must have been made from the launcher, so that no bundle revision (an onion transport, say, updated later) is
 * among those frames.
 */
class NettyProbesTest extends OneNodeTest {

    @Test
    void nettysBouncyCastleLookupHoldsOnlyTheLaunchersAndTheFrameworksFrames() throws Exception {
        node = TestNodes.builder(data).features("core").build();
        node.start();
        Bundle handler = null;
        for (Bundle b : node.framework().getBundleContext().getBundles()) {
            if (NettyProbes.NETTY_HANDLER.equals(b.getSymbolicName())) {
                handler = b;
            }
        }
        assertNotNull(handler, "the core feature has Netty's handler bundle");
        Class<?> util = handler.loadClass(NettyProbes.BOUNCY_CASTLE_LOOKUP);
        List<String> kept = new ArrayList<>();
        for (String cause : List.of("unavailabilityCauseBcProv", "unavailabilityCauseBcPkix", "unavailabilityCauseBcTls")) {
            Throwable t = (Throwable) util.getMethod(cause).invoke(null);
            if (t != null) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    kept.add(frame.getClassName());
                }
            }
        }
        List<String> bundleFrames = kept.stream().filter(c -> !c.startsWith("java.") && !c.startsWith("jdk.")
                && !c.startsWith("sun.") && !c.startsWith("io.netty.") && !c.startsWith("org.apache.felix.framework.")
                && !c.startsWith("org.veilswarm.launcher.") && !c.startsWith("org.junit.")
                && !c.startsWith("org.apache.maven.")).distinct().toList();
        assertEquals(List.of(), bundleFrames, "frames kept by Netty's lookup besides the launcher's, the framework's "
                + "and Netty's own (of " + kept.size() + ")");
        assertTrue(kept.contains(NettyProbes.class.getName()), "the lookup was not the launcher's probe: " + kept);
    }
}
