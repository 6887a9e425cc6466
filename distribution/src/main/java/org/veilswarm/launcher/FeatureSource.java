package org.veilswarm.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Finds feature files (OSGi Compendium R8 ch. 159 JSON) by feature name: {@code core}, {@code console},
 * {@code transport-direct}, or a vendor's own.
 */
@ConsumerType
public interface FeatureSource {

    /** The JSON of the named feature, or empty if this source has no such feature. */
    Optional<URL> locate(String featureName);

    /** The feature names this source can list, for error messages; may be empty if it cannot list them. */
    default Set<String> available() {
        return Set.of();
    }

    /** A directory holding {@code <name>.json} files, such as the distribution's {@code features/}. */
    static FeatureSource directory(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        return new FeatureSource() {
            @Override
            public Optional<URL> locate(String name) {
                Path file = dir.resolve(name + ".json");
                if (!isPlainName(name) || !Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(file.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(file + " has no URL", e);
                }
            }

            @Override
            public Set<String> available() {
                if (!Files.isDirectory(dir)) {
                    return Set.of();
                }
                try (Stream<Path> files = Files.list(dir)) {
                    Set<String> names = new TreeSet<>();
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".json".length())));
                    return names;
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list feature files in " + dir, e);
                }
            }

            @Override
            public String toString() {
                return "feature directory " + dir;
            }
        };
    }

    /**
     * Resources {@code features/<name>.json} of a class loader, for example the Veilswarm features jar
     * ({@code org.veilswarm:features}) on the class path.
     */
    static FeatureSource classpath(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        return new FeatureSource() {
            @Override
            public Optional<URL> locate(String name) {
                return isPlainName(name) ? Optional.ofNullable(loader.getResource("features/" + name + ".json"))
                        : Optional.empty();
            }

            @Override
            public String toString() {
                return "class path resources features/*.json";
            }
        };
    }

    /** Asks each source in turn, for example a vendor's own features first, then the distribution's. */
    static FeatureSource firstOf(FeatureSource... sources) {
        java.util.List<FeatureSource> all = java.util.List.of(sources);
        return new FeatureSource() {
            @Override
            public Optional<URL> locate(String name) {
                for (FeatureSource s : all) {
                    Optional<URL> found = s.locate(name);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }

            @Override
            public Set<String> available() {
                Set<String> names = new TreeSet<>();
                all.forEach(s -> names.addAll(s.available()));
                return names;
            }

            @Override
            public String toString() {
                return all.toString();
            }
        };
    }

    private static boolean isPlainName(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]*");
    }
}
