package org.veilswarm.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Finds the jar of a bundle that a feature lists. The distribution uses its {@code bundles/} directory,
 * which has the Maven repository layout; tests and developers can point at {@code ~/.m2/repository}.
 * Vendors may implement their own (for example a directory of signed jars).
 */
@ConsumerType
@FunctionalInterface
public interface BundleSource {

    /**
     * The jar file of the bundle, or empty if this source does not have it.
     *
     * @param bundle the coordinates from the feature file
     */
    Optional<Path> locate(BundleCoordinates bundle);

    /**
     * A directory in Maven repository layout:
     * {@code <root>/<groupId with / for .>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].<type>}.
     */
    static BundleSource mavenRepository(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return new BundleSource() {
            @Override
            public Optional<Path> locate(BundleCoordinates b) {
                Path file = base.resolve(b.groupId().replace('.', '/'))
                        .resolve(b.artifactId()).resolve(b.version()).resolve(b.fileName());
                return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
            }

            @Override
            public String toString() {
                return "Maven repository " + base;
            }
        };
    }

    /**
     * The local Maven repository of the user running the JVM: {@code -Dmaven.repo.local} if set, else
     * {@code ~/.m2/repository}.
     */
    static BundleSource mavenLocalRepository() {
        String configured = System.getProperty("maven.repo.local");
        return mavenRepository(configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    /** Asks each source in turn; the first that has the bundle wins. */
    static BundleSource firstOf(BundleSource... sources) {
        List<BundleSource> all = List.of(sources);
        all.forEach(s -> Objects.requireNonNull(s, "source"));
        return new BundleSource() {
            @Override
            public Optional<Path> locate(BundleCoordinates b) {
                for (BundleSource s : all) {
                    Optional<Path> found = s.locate(b);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }

            @Override
            public String toString() {
                return all.toString();
            }
        };
    }
}
