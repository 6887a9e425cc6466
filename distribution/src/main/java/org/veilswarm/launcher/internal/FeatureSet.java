package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureConfiguration;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;
import org.veilswarm.launcher.BundleCoordinates;
import org.veilswarm.launcher.FeatureSource;
import org.veilswarm.launcher.VeilswarmLaunchException;

/**
 * The features a node runs, read with the Felix implementation of the OSGi Feature Service (Compendium R8
 * ch. 159) and merged into one list of bundles and one list of default configurations.
 *
 * <p>Merging rules: a bundle listed by several features is installed once, at the lowest start order any of
 * them gives; two features listing different versions of the same bundle is an error. Configurations of
 * the same PID are merged key by key, later features winning.
 */
public final class FeatureSet {

    /** The bundle metadata key carrying the start level (the launcher's convention, see docs/operator-guide.md). */
    public static final String START_ORDER = "start-order";

    /** One bundle to install. */
    public record PlannedBundle(BundleCoordinates coordinates, int startLevel, List<String> features) {
    }

    /** A feature's default configuration; {@code factoryPid} set for {@code factoryPid~name} PIDs. */
    public record DefaultConfiguration(String pid, Optional<String> factoryPid, Map<String, Object> values) {
    }

    /** A feature as read from its file. */
    public record LoadedFeature(String name, URL source, Feature feature) {
    }

    private final List<LoadedFeature> features;
    private final List<PlannedBundle> bundles;
    private final List<DefaultConfiguration> configurations;

    private FeatureSet(List<LoadedFeature> features, List<PlannedBundle> bundles,
            List<DefaultConfiguration> configurations) {
        this.features = List.copyOf(features);
        this.bundles = List.copyOf(bundles);
        this.configurations = List.copyOf(configurations);
    }

    /**
     * Reads and merges the named features.
     *
     * @param defaultStartLevel the start level of bundles that have no {@code start-order}
     * @throws VeilswarmLaunchException if a feature is missing or invalid, naming the file and the problem
     */
    public static FeatureSet read(FeatureSource source, List<String> names, int defaultStartLevel) {
        if (names.isEmpty()) {
            throw new VeilswarmLaunchException("No features chosen: a node needs at least the 'core' feature.");
        }
        FeatureService service = featureService();
        List<LoadedFeature> loaded = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            URL url = source.locate(name).orElseThrow(() -> new VeilswarmLaunchException("Unknown feature '" + name
                    + "': " + source + " has no " + name + ".json" + availableHint(source)));
            loaded.add(new LoadedFeature(name, url, parse(service, name, url)));
        }
        return merge(loaded, defaultStartLevel);
    }

    private static FeatureSet merge(List<LoadedFeature> loaded, int defaultStartLevel) {
        Map<String, PlannedBundle> byKey = new LinkedHashMap<>();
        Map<String, DefaultConfiguration> configs = new LinkedHashMap<>();
        for (LoadedFeature f : loaded) {
            for (FeatureBundle b : f.feature().getBundles()) {
                BundleCoordinates c = coordinates(f, b.getID());
                int level = startLevel(f, b, defaultStartLevel);
                PlannedBundle earlier = byKey.get(c.versionlessKey());
                if (earlier == null) {
                    byKey.put(c.versionlessKey(), new PlannedBundle(c, level, List.of(f.name())));
                } else if (!earlier.coordinates().equals(c)) {
                    throw new VeilswarmLaunchException("Features disagree on a bundle version: " + earlier.features()
                            + " list " + earlier.coordinates() + ", '" + f.name() + "' lists " + c
                            + ". Features run together must list the same version.");
                } else {
                    List<String> in = new ArrayList<>(earlier.features());
                    in.add(f.name());
                    byKey.put(c.versionlessKey(), new PlannedBundle(c, Math.min(level, earlier.startLevel()), in));
                }
            }
            for (FeatureConfiguration fc : f.feature().getConfigurations().values()) {
                DefaultConfiguration earlier = configs.get(fc.getPid());
                Map<String, Object> values = new LinkedHashMap<>(earlier == null ? Map.of() : earlier.values());
                values.putAll(fc.getValues());
                configs.put(fc.getPid(), new DefaultConfiguration(fc.getPid(), fc.getFactoryPid(),
                        Collections.unmodifiableMap(values)));
            }
        }
        return new FeatureSet(loaded, new ArrayList<>(byKey.values()), new ArrayList<>(configs.values()));
    }

    public List<LoadedFeature> features() {
        return features;
    }

    public List<PlannedBundle> bundles() {
        return bundles;
    }

    public List<DefaultConfiguration> configurations() {
        return configurations;
    }

    /** The distinct start levels of the planned bundles, ascending. */
    public TreeSet<Integer> startLevels() {
        TreeSet<Integer> levels = new TreeSet<>();
        bundles.forEach(b -> levels.add(b.startLevel()));
        return levels;
    }

    private static Feature parse(FeatureService service, String name, URL url) {
        try (Reader reader = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
            Feature feature = service.readFeature(reader);
            if (feature == null) {
                throw new VeilswarmLaunchException("Feature '" + name + "' (" + url + ") could not be read.");
            }
            return feature;
        } catch (IOException | RuntimeException e) {
            if (e instanceof VeilswarmLaunchException) {
                throw (VeilswarmLaunchException) e;
            }
            throw new VeilswarmLaunchException("Feature '" + name + "' (" + url
                    + ") is not a valid OSGi feature file (Compendium R8 ch. 159): " + e.getMessage(), e);
        }
    }

    private static BundleCoordinates coordinates(LoadedFeature f, ID id) {
        try {
            return new BundleCoordinates(id.getGroupId(), id.getArtifactId(), id.getVersion(),
                    id.getType().orElse("jar"), id.getClassifier());
        } catch (IllegalArgumentException e) {
            throw new VeilswarmLaunchException("Feature '" + f.name() + "' (" + f.source() + ") lists a bundle with a bad id '"
                    + id + "': " + e.getMessage(), e);
        }
    }

    private static int startLevel(LoadedFeature f, FeatureBundle b, int defaultStartLevel) {
        Object order = b.getMetadata().get(START_ORDER);
        if (order == null) {
            return defaultStartLevel;
        }
        if (order instanceof Number && ((Number) order).longValue() >= 1 && ((Number) order).longValue() <= 1000
                && ((Number) order).doubleValue() == ((Number) order).longValue()) {
            return ((Number) order).intValue();
        }
        throw new VeilswarmLaunchException("Feature '" + f.name() + "' (" + f.source() + "): bundle " + b.getID()
                + " has \"" + START_ORDER + "\": " + order + "; it must be a whole number from 1 to 1000.");
    }

    private static String availableHint(FeatureSource source) {
        var available = source.available();
        return available.isEmpty() ? "." : ". Available features: " + String.join(", ", available) + ".";
    }

    private static FeatureService featureService() {
        return ServiceLoader.load(FeatureService.class, FeatureSet.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new VeilswarmLaunchException("No OSGi Feature Service implementation on the class path:"
                        + " the launcher needs org.apache.felix:org.apache.felix.feature in lib/."));
    }
}
