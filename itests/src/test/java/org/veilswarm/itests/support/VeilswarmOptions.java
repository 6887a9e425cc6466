package org.veilswarm.itests.support;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.TestProbeBuilder;

/**
 * Pax Exam options for a Veilswarm node: exactly the bundles the named features list, each at the start level
 * of its {@code start-order}, and the framework properties the launcher would set (see the brief's data
 * directory contract), with a fresh data directory and a free loopback HTTP port per test class.
 *
 * <p>Runs on the driver side (in {@code @Configuration}); the container reads the values back as framework
 * properties, see {@link NodeContext}.
 */
public final class VeilswarmOptions {
    /** Framework property: comma-separated URLs of the feature files the container was built from. */
    public static final String FEATURES_PROPERTY = "veilswarm.itests.features";
    /** The features every Veilswarm distribution boots. */
    public static final String[] DISTRIBUTION_FEATURES = {"core", "console", "transport-direct"};

    private VeilswarmOptions() {
    }

    /** The features' URLs on this module's classpath (the features jar carries them under {@code features/}). */
    public static List<URL> featureUrls(String... names) {
        List<URL> urls = new ArrayList<>();
        for (String name : names) {
            String resource = "features/" + name + ".json";
            URL url = VeilswarmOptions.class.getClassLoader().getResource(resource);
            if (url == null) {
                throw new IllegalStateException("feature " + name + " not found: no " + resource
                        + " on the classpath (is org.veilswarm:features built, and does its jar carry the filtered JSON?)");
            }
            urls.add(url);
        }
        return urls;
    }

    /** Reads the named features. */
    public static List<Feature> features(String... names) {
        List<Feature> features = new ArrayList<>();
        for (URL url : featureUrls(names)) {
            try {
                features.add(Feature.read(url));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return features;
    }

    /** Options booting the distribution's features (core, console, transport-direct). */
    public static Option[] distribution(Class<?> testClass) {
        return node(testClass, DISTRIBUTION_FEATURES);
    }

    /** Options booting the named features, with a fresh data directory and HTTP port for {@code testClass}. */
    public static Option[] node(Class<?> testClass, String... featureNames) {
        List<Feature> features = features(featureNames);
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        Path work = Path.of(System.getProperty("veilswarm.itests.work", "target/itest-work")).toAbsolutePath();
        Path data;
        try {
            Files.createDirectories(work);
            data = Files.createTempDirectory(work, testClass.getSimpleName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory under " + work, e);
        }
        int httpPort = Ports.freeLoopbackPort();

        // A bundle listed by two features keeps its earliest start level.
        Map<String, Feature.Bundle> bundles = new LinkedHashMap<>();
        for (Feature feature : features) {
            for (Feature.Bundle b : feature.bundles()) {
                bundles.merge(b.id(), b, (x, y) -> x.startOrder() <= y.startOrder() ? x : y);
            }
        }
        int highestStartLevel = bundles.values().stream().mapToInt(Feature.Bundle::startOrder).max().orElse(1);

        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(workingDirectory(work.resolve("pax-exam").toString()));
        options.add(cleanCaches(true));
        // Pax Exam's probe runs at start level 5; the framework goes up to the highest level a feature uses.
        options.add(frameworkStartLevel(Math.max(highestStartLevel, 5)));
        // The container shares the JVM with the test classpath, which holds every bundle's jar as well. Felix's
        // implicit boot delegation would let JDK code (ServiceLoader) find classes and META-INF/services entries
        // there: slf4j then sees the classpath's provider instead of the bundle's ("not a subtype").
        options.add(frameworkProperty("felix.bootdelegation.implicit").value("false"));
        // As the launcher does: the web console refuses to serve until our security provider is registered.
        options.add(frameworkProperty("felix.webconsole.security.providers").value("veilswarm"));
        options.add(frameworkProperty("veilswarm.data.dir").value(data.toString()));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(httpPort)));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("felix.cm.dir").value(data.resolve("config").toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(data.resolve("deploy").toString()));
        options.add(frameworkProperty("org.osgi.framework.storage").value(data.resolve("felix-cache").toString()));
        options.add(frameworkProperty(FEATURES_PROPERTY).value(
                features.stream().map(f -> f.source().toString()).collect(Collectors.joining(","))));
        for (Feature.Bundle b : bundles.values()) {
            Path jar = artifacts.jar(b);
            // A fragment (Netty's native epoll library) attaches to its host and cannot be started.
            options.add(bundle(jar.toUri().toString()).startLevel(startLevel(b)).start(!isFragment(jar)));
        }
        try {
            Files.createDirectories(data.resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options.toArray(Option[]::new);
    }

    /**
     * The core feature plus Netty's HTTP codec and the named Veilswarm bundles (directory ones, which no feature
     * lists yet), in this order, at the start level a feature would give them (12), all of the core's version.
     */
    public static Option[] coreWith(Class<?> testClass, String... veilswarmArtifacts) {
        List<Option> options = new ArrayList<>(List.of(node(testClass, "core")));
        var core = features("core").get(0).bundles();
        String version = core.stream().filter(b -> b.artifactId().equals("api")).findFirst().orElseThrow().version();
        String netty = core.stream().filter(b -> b.artifactId().equals("netty-codec")).findFirst().orElseThrow()
                .version();
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        List<Path> jars = new ArrayList<>(List.of(artifacts.jar("io.netty", "netty-codec-http", netty)));
        for (String artifactId : veilswarmArtifacts) {
            jars.add(artifacts.jar("org.veilswarm", artifactId, version));
        }
        for (Path jar : jars) {
            options.add(bundle(jar.toUri().toString()).startLevel(12).start());
        }
        return options.toArray(Option[]::new);
    }

    private static boolean isFragment(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        }
    }

    /**
     * The start level for a feature bundle: its {@code start-order}, except that the levels up to Pax Exam's own
     * (2, {@code START_LEVEL_SYSTEM_BUNDLES}) collapse to 1. Pax Exam's bundles log through slf4j when they start;
     * slf4j 2 looks for its provider once, on first use, so the features' logging bundles (slf4j-api and its
     * provider fragment, start-order 2) must be resolved before them, or every bundle's log goes to the no-op logger.
     * Their relative order is kept: Felix starts bundles of one level in install (feature) order.
     */
    static int startLevel(Feature.Bundle bundle) {
        return bundle.startOrder() <= SYSTEM_BUNDLES_START_LEVEL ? 1 : bundle.startOrder();
    }

    private static final int SYSTEM_BUNDLES_START_LEVEL = org.ops4j.pax.exam.Constants.START_LEVEL_SYSTEM_BUNDLES;

    /**
     * Pax Exam's probe holds every test class, and bnd computes its imports from all of them: the browser and
     * process tests reference Selenium and the launcher, which are not in the container. Making the computed
     * imports optional lets the probe resolve; what the in-container tests use is all there.
     */
    public static TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader("Import-Package", "*;resolution:=optional");
        return probe;
    }
}
