package org.veilswarm.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * What the tests share: the bundles of every feature in Maven repository layout (unpacked by the build
 * from the features module's bundles zip, because {@code mvn test} runs before the distribution is
 * assembled), the feature files from the features jar on the test class path, and free loopback ports.
 */
public final class TestNodes {

    private TestNodes() {
    }

    public static BundleSource bundles() {
        String dir = System.getProperty("veilswarm.test.bundles");
        if (dir == null) {
            throw new IllegalStateException("System property veilswarm.test.bundles is not set: run the tests through"
                    + " Maven (mvn -pl distribution test), which unpacks the feature bundles to target/test-bundles");
        }
        return BundleSource.mavenRepository(Path.of(dir));
    }

    public static FeatureSource features() {
        return FeatureSource.classpath(TestNodes.class.getClassLoader());
    }

    /** A node on {@code data} with the test bundles and a free console port. */
    public static VeilswarmNode.Builder builder(Path data) {
        return VeilswarmNode.builder().dataDirectory(data).bundleSource(bundles()).featureSource(features())
                .consolePort(freePort()).deployDirectory(data.resolve("deploy"));
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on right now, in 10000-19999 and not handed out before in this JVM: below Linux's
     * ephemeral range (32768 and up), where the kernel may give the port to any other process's outgoing
     * connection or port-0 listener before the node binds it, seconds later (other builds share the machine).
     */
    public static int freePort() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 10_000 + random.nextInt(10_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 10000-19999 on 127.0.0.1"));
    }
}
