package org.veilswarm.itests.dist;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.HeadlessChromium;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.FeatureSource;
import org.veilswarm.launcher.VeilswarmNode;

/**
 * What the console's single-node browser tests start before each test: a node booted with the launcher API from
 * this build's distribution (bundles/ in Maven repository layout, features/; the features core, console and
 * transport-direct, a free console port) and headless Chromium; after it, the browser quits, then the node stops.
 */
abstract class NodeWithBrowser {
    private final String workName;
    protected VeilswarmNode node;
    protected WebDriver browser;
    protected Path work;

    /** @param workName the prefix of the test's fresh work directory */
    NodeWithBrowser(String workName) {
        this.workName = workName;
    }

    @BeforeEach
    void startNodeAndBrowser() {
        HeadlessChromium.requireInstalled();
        Path home = Distribution.home();
        work = Distribution.freshDirectory(workName);
        node = VeilswarmNode.builder()
                .dataDirectory(work.resolve("data"))
                .features("core", "console", "transport-direct")
                .bundleSource(BundleSource.mavenRepository(home.resolve("bundles")))
                .featureSource(FeatureSource.directory(home.resolve("features")))
                .consolePort(Ports.freeLoopbackPort())
                .build();
        node.start();
        browser = HeadlessChromium.start(work, false);
    }

    @AfterEach
    void stopBrowserAndNode() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (node != null) {
                node.stop();
            }
        }
    }
}
