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

    /** A port nothing listens on right now: bind port 0 on loopback, note the port, close. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
