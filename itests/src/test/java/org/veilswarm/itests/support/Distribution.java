package org.veilswarm.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The assembled distribution this build produced ({@code distribution/target/veilswarm-<version>/}). */
public final class Distribution {
    private Distribution() {
    }

    /** The distribution's home directory, checked to hold bin/veilswarm, bundles/ and features/. */
    public static Path home() {
        String property = System.getProperty("veilswarm.itests.distribution");
        if (property == null) {
            throw new IllegalStateException("system property veilswarm.itests.distribution is not set: run the"
                    + " integration tests through Maven (mvn -pl itests -am verify)");
        }
        Path home = Path.of(property).toAbsolutePath().normalize();
        for (String part : new String[] {"bin/veilswarm", "bundles", "features", "lib"}) {
            if (!Files.exists(home.resolve(part))) {
                throw new IllegalStateException(home.resolve(part) + " is missing: build the distribution first"
                        + " (mvn -B -pl itests -am verify builds it; so does mvn -pl distribution -am package)");
            }
        }
        return home;
    }

    /** A fresh, empty directory under the integration tests' work directory. */
    public static Path freshDirectory(String prefix) {
        Path work = Path.of(System.getProperty("veilswarm.itests.work", "target/itest-work")).toAbsolutePath();
        try {
            Files.createDirectories(work);
            return Files.createTempDirectory(work, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
