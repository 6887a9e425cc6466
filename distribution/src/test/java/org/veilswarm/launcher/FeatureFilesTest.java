package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureService;

/** The shipped feature files, read with the OSGi Feature Service reader, list only bundles that exist. */
class FeatureFilesTest {

    @ParameterizedTest
    @ValueSource(strings = {"core", "console", "transport-direct", "transport-tor", "transport-onion",
            "directory-consensus", "directory-merkle", "directory-authority", "tracker", "tracker-memory",
            "tracker-journal", "tracker-store-memory", "share"})
    void featureParsesAndEveryListedBundleExistsAndIsABundle(String name) throws IOException {
        URL url = TestNodes.features().locate(name).orElseThrow(() -> new AssertionError("no feature file " + name));
        Feature feature;
        try (Reader r = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
            feature = ServiceLoader.load(FeatureService.class).findFirst().orElseThrow().readFeature(r);
        }
        assertEquals("org.veilswarm", feature.getID().getGroupId());
        assertEquals(name, feature.getID().getArtifactId());
        assertEquals("osgifeature", feature.getID().getType().orElse(""), "ids are org.veilswarm:<name>:osgifeature:<version>");
        assertTrue(feature.getName().isPresent() && feature.getDescription().isPresent(), "documented: name and description");
        assertTrue(!feature.getBundles().isEmpty());

        Set<String> seen = new HashSet<>();
        for (FeatureBundle b : feature.getBundles()) {
            assertTrue(seen.add(b.getID().toString()), "listed once: " + b.getID());
            assertTrue(!b.getID().getVersion().contains("$"), "version filled by the build: " + b.getID());
            Object order = b.getMetadata().get("start-order");
            assertTrue(order instanceof Number && ((Number) order).intValue() >= 1, b.getID() + " has a start-order >= 1");
            Path jar = TestNodes.bundles().locate(BundleCoordinates.parse(b.getID().toString()))
                    .orElseThrow(() -> new AssertionError(b.getID() + " is not in the bundles the build resolved"));
            try (JarFile j = new JarFile(jar.toFile())) {
                assertNotNull(j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"), jar + " is an OSGi bundle");
            }
        }
    }

    /**
     * The other tracker features are the tracker feature with another store in place of the database (H2, HikariCP
     * and the JDBC store), so that a node switching between them runs the same tracker.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"tracker-memory, tracker-store-memory",
            "tracker-journal, tracker-store-journal"})
    void otherTrackerFeaturesAreTheTrackerFeatureWithAnotherStoreInsteadOfTheDatabase(String feature, String store)
            throws IOException {
        Set<String> expected = new java.util.TreeSet<>(artifactIds("tracker"));
        assertTrue(expected.removeAll(Set.of("h2", "HikariCP", "tracker-store-jdbc")), expected.toString());
        expected.add(store);
        assertEquals(expected, new java.util.TreeSet<>(artifactIds(feature)));
    }

    private static Set<String> artifactIds(String name) throws IOException {
        URL url = TestNodes.features().locate(name).orElseThrow(() -> new AssertionError("no feature file " + name));
        try (Reader r = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
            Set<String> ids = new HashSet<>();
            ServiceLoader.load(FeatureService.class).findFirst().orElseThrow().readFeature(r).getBundles()
                    .forEach(b -> ids.add(b.getID().getArtifactId()));
            return ids;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"console", "transport-direct", "transport-tor", "transport-onion", "directory-consensus",
            "directory-merkle", "directory-authority", "tracker", "tracker-memory", "tracker-journal", "tracker-store-memory",
            "share"})
    void everyOtherFeatureStartsAfterTheLoggingAndDeclarativeServicesOfCore(String name) {
        // slf4j's provider (start-order 2) must be active before anything that logs (REFERENCE.md: otherwise
        // Jetty's errors vanish), and SCR (4) before bundles with components.
        var set = org.veilswarm.launcher.internal.FeatureSet.read(TestNodes.features(), List.of(name), 30);
        set.bundles().forEach(b -> assertTrue(b.startLevel() > 4, b.coordinates() + " starts after core's SCR"));
    }
}
