import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step of the features module (run by exec-maven-plugin as a single-file Java program).
 *
 * <p>Feature files never spell a bundle version: they write {@code ${groupId:artifactId}}, and this
 * step replaces it with the version Maven resolved for that direct dependency of the features
 * module, i.e. the version managed once in the root pom. It fails the build when
 * <ul>
 * <li>a feature lists a bundle that is not a resolved direct dependency (it would not be in the
 * distribution), or any {@code ${...}} stays unresolved;</li>
 * <li>a direct dependency is listed by no feature (the two lists drifted apart).</li>
 * </ul>
 *
 * <p>Arguments: the output of {@code dependency:list} (direct dependencies only) and the directory
 * holding the already Maven-filtered feature files, which are rewritten in place.
 */
public final class ResolvedVersions {

    /** {@code ${groupId:artifactId}}: exactly one colon, no blanks. */
    private static final Pattern COORDINATES = Pattern.compile("\\$\\{([^:{}\\s]+):([^:{}\\s]+)}");
    private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ResolvedVersions <dependency-list.txt> <features-dir>");
        }
        Map<String, String> versions = readDirectCompileDependencies(Path.of(args[0]));
        List<String> errors = new ArrayList<>();
        TreeSet<String> listed = new TreeSet<>();
        List<Path> featureFiles;
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            featureFiles = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        if (featureFiles.isEmpty()) {
            errors.add("no feature files in " + args[1]);
        }
        for (Path file : featureFiles) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            Matcher m = COORDINATES.matcher(text);
            while (m.find()) {
                String key = m.group(1) + ":" + m.group(2);
                String version = versions.get(key);
                if (version == null) {
                    errors.add(file.getFileName() + ": " + key + " is not a direct dependency of the features module"
                            + " (add it to features/pom.xml; its version comes from the root dependencyManagement)");
                    version = m.group();
                } else {
                    listed.add(key);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(version));
            }
            m.appendTail(out);
            Matcher left = ANY_PLACEHOLDER.matcher(out);
            while (left.find()) {
                if (!COORDINATES.matcher(left.group()).matches()) {
                    errors.add(file.getFileName() + ": unresolved placeholder " + left.group());
                }
            }
            Files.writeString(file, out, StandardCharsets.UTF_8);
        }
        for (String declared : versions.keySet()) {
            if (!listed.contains(declared)) {
                errors.add(declared + " is a dependency of the features module but no feature lists it");
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> System.err.println("[features] " + e));
            System.exit(1);
        }
        System.out.println("[features] " + featureFiles.size() + " feature files, " + listed.size()
                + " bundles, every one resolved by Maven");
    }

    /** Parses lines such as {@code   io.netty:netty-common:jar:4.1.137.Final:compile -- module ...}. */
    private static Map<String, String> readDirectCompileDependencies(Path list) throws IOException {
        Map<String, String> versions = new TreeMap<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            String[] words = line.trim().split("\\s+");
            String[] parts = words[0].split(":");
            if (parts.length < 5 || parts.length > 6) {
                continue; // header, blank line
            }
            String scope = parts[parts.length - 1];
            String version = parts[parts.length - 2];
            if (scope.equals("compile") || scope.equals("runtime")) {
                versions.put(parts[0] + ":" + parts[1], version);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no dependencies found in " + list);
        }
        return versions;
    }
}
