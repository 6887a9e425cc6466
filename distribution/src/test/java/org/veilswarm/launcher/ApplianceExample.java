package org.veilswarm.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The example of docs/embedding.md, verbatim apart from the parameters the test needs (installation, data
 * directory, port): if this stops compiling, the document is wrong too.
 */
final class ApplianceExample {

    private ApplianceExample() {
    }

    // --- docs/embedding.md: begin ---
    static VeilswarmNode appliance(Path installation, Path data, int port) {
        return VeilswarmNode.builder()
                .dataDirectory(data)
                .features("core", "console", "transport-direct")
                .featureSource(FeatureSource.directory(installation.resolve("features")))
                .bundleSource(BundleSource.mavenRepository(installation.resolve("bundles")))
                .consoleHost("127.0.0.1")
                .consolePort(port)
                .deployDirectory(installation.resolve("deploy"))
                .configuration("org.veilswarm.node", Map.of("nickname", "appliance-42"))
                .frameworkProperty("felix.fileinstall.poll", "5000")
                .build();
    }

    static URI startAndShowConsole(VeilswarmNode node) {
        try {
            node.start();
            URI console = node.consoleUrl(Duration.ofSeconds(60));
            System.out.println("Veilswarm node " + node.address(Duration.ofSeconds(10)).orElse("?") + " at " + console);
            return console;
        } catch (VeilswarmLaunchException e) {
            // The message says what failed and how to fix it; problems() lists the bundles involved.
            e.problems().forEach(p -> System.err.println("  " + p.symbolicName() + ": " + p.reason()));
            throw e;
        }
    }
    // --- docs/embedding.md: end ---
}
