package org.veilswarm.launcher.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.FeatureSource;

/** What {@code VeilswarmNode.Builder} collected, validated and made immutable; see the builder's methods. */
public record NodeSettings(Path dataDirectory, List<String> features, FeatureSource featureSource,
        BundleSource bundleSource, int consolePort, String consoleHost, Path deployDirectory,
        Map<String, Map<String, Object>> configurations, Map<String, String> frameworkProperties,
        boolean tolerateBundleProblems, Duration stopTimeout) {
}
