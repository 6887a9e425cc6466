package org.veilswarm.launcher;

import java.util.Objects;
import java.util.Optional;

/**
 * Maven coordinates of a bundle, as feature files name them (OSGi Compendium R8 159.2.1):
 * {@code groupId:artifactId[:type[:classifier]]:version}.
 *
 * @param groupId the Maven group id
 * @param artifactId the Maven artifact id
 * @param version the Maven version (not the OSGi Bundle-Version)
 * @param type the artifact type, {@code jar} unless stated
 * @param classifier the classifier, if any
 */
public record BundleCoordinates(String groupId, String artifactId, String version, String type,
        Optional<String> classifier) {

    public BundleCoordinates {
        requireText(groupId, "groupId");
        requireText(artifactId, "artifactId");
        requireText(version, "version");
        requireText(type, "type");
        Objects.requireNonNull(classifier, "classifier");
        classifier.ifPresent(c -> requireText(c, "classifier"));
    }

    /** Coordinates of a plain jar without classifier. */
    public static BundleCoordinates of(String groupId, String artifactId, String version) {
        return new BundleCoordinates(groupId, artifactId, version, "jar", Optional.empty());
    }

    /**
     * Parses {@code groupId:artifactId[:type[:classifier]]:version}.
     *
     * @throws IllegalArgumentException naming the text if it is not of that form
     */
    public static BundleCoordinates parse(String mavenId) {
        String[] parts = mavenId.split(":", -1);
        try {
            switch (parts.length) {
                case 3:
                    return of(parts[0], parts[1], parts[2]);
                case 4:
                    return new BundleCoordinates(parts[0], parts[1], parts[3], parts[2], Optional.empty());
                case 5:
                    return new BundleCoordinates(parts[0], parts[1], parts[4], parts[2], Optional.of(parts[3]));
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not Maven coordinates (groupId:artifactId[:type[:classifier]]:version): '"
                    + mavenId + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(
                "Not Maven coordinates (groupId:artifactId[:type[:classifier]]:version): '" + mavenId + "'");
    }

    /**
     * The bundle's identity regardless of version: two features listing the same key name the same
     * bundle, and the launcher keeps one bundle per key (a new version updates it).
     */
    public String versionlessKey() {
        return groupId + ":" + artifactId + classifier.map(c -> ":" + c).orElse("");
    }

    /** The file name Maven gives the artifact: {@code artifactId-version[-classifier].type}. */
    public String fileName() {
        return artifactId + "-" + version + classifier.map(c -> "-" + c).orElse("") + "." + type;
    }

    @Override
    public String toString() {
        if (classifier.isPresent()) {
            return groupId + ":" + artifactId + ":" + type + ":" + classifier.get() + ":" + version;
        }
        return type.equals("jar") ? groupId + ":" + artifactId + ":" + version
                : groupId + ":" + artifactId + ":" + type + ":" + version;
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.contains(":") || value.contains("/") || value.contains("\\")) {
            throw new IllegalArgumentException(what + " must be non-empty and contain no ':', '/' or '\\': '"
                    + value + "'");
        }
    }
}
