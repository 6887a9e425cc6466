package org.veilswarm.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The artifacts Maven resolved for this module, read from the {@code dependency:list} output the build writes
 * (system property {@value #PROPERTY}). Reactor modules point at their freshly built jars, so provisioning
 * from here boots this build's code; {@code mvn:} URLs would resolve SNAPSHOTs from the local repository,
 * i.e. whatever was installed last.
 */
public final class ResolvedArtifacts {
    /** System property naming the list file. */
    public static final String PROPERTY = "veilswarm.itests.artifacts";

    private final Map<String, Path> files;
    private final Path localRepository;

    private ResolvedArtifacts(Map<String, Path> files, Path localRepository) {
        this.files = files;
        this.localRepository = localRepository;
    }

    /** Reads the list named by the system property, failing with a message that says how to produce it. */
    public static ResolvedArtifacts load() {
        String list = System.getProperty(PROPERTY);
        if (list == null) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: run the integration tests through"
                    + " Maven (mvn -pl itests verify), which writes the list of resolved artifacts");
        }
        String repo = System.getProperty("org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository");
        try {
            return parse(Files.readString(Path.of(list)), Path.of(repo));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the resolved artifact list " + list + ": " + e, e);
        }
    }

    /**
     * Parses lines like {@code   g:a:jar[:classifier]:version:scope:/abs/path.jar -- module x}. Paths on the
     * build machine (Linux) contain no colon.
     */
    static ResolvedArtifacts parse(String text, Path localRepository) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int module = line.indexOf(" -- module ");
            if (module >= 0) {
                line = line.substring(0, module).strip();
            }
            String[] f = line.split(":");
            if (f.length < 6 || !f[f.length - 1].startsWith("/")) {
                continue;
            }
            if (f.length == 6) {
                files.put(f[0] + ":" + f[1] + ":" + f[f.length - 3], Path.of(f[f.length - 1]));
            } else if (f.length == 7) { // with a classifier: g:a:jar:classifier:version:scope:path
                files.put(f[0] + ":" + f[1] + ":" + f[3] + ":" + f[f.length - 3], Path.of(f[f.length - 1]));
            }
        }
        return new ResolvedArtifacts(files, localRepository);
    }

    /** The jar of a feature's bundle entry, classifier included. */
    public Path jar(Feature.Bundle bundle) {
        if (bundle.classifier().isEmpty()) {
            return jar(bundle.groupId(), bundle.artifactId(), bundle.version());
        }
        String key = bundle.groupId() + ":" + bundle.artifactId() + ":" + bundle.classifier() + ":" + bundle.version();
        Path resolved = files.get(key);
        if (resolved != null && Files.isRegularFile(resolved)) {
            return resolved;
        }
        throw new IllegalStateException(bundle.id() + " is not among the artifacts Maven resolved for itests ("
                + (resolved == null ? "not listed" : resolved + " missing") + "): add it to itests/pom.xml");
    }

    /**
     * The jar of {@code groupId:artifactId:version}: the one this build resolved, or else the local repository's
     * copy (a bundle whose version was mediated differently on this module's classpath).
     */
    public Path jar(String groupId, String artifactId, String version) {
        Path resolved = files.get(groupId + ":" + artifactId + ":" + version);
        if (resolved != null && Files.isRegularFile(resolved)) {
            return resolved;
        }
        if (!version.endsWith("-SNAPSHOT")) {
            Path inRepo = localRepository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                    .resolve(artifactId + "-" + version + ".jar");
            if (Files.isRegularFile(inRepo)) {
                return inRepo;
            }
        }
        throw new IllegalStateException(groupId + ":" + artifactId + ":" + version + " is neither among the artifacts"
                + " Maven resolved for itests (" + (resolved == null ? "not listed" : resolved + " missing") + ") nor"
                + " a release in " + localRepository + ": a feature lists a bundle the features module does not depend on?");
    }
}
