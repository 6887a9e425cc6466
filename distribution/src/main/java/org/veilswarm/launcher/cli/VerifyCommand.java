package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.FeatureSource;
import org.veilswarm.launcher.VeilswarmLaunchException;
import org.veilswarm.launcher.internal.FeatureSet;
import org.veilswarm.launcher.internal.FeatureSet.PlannedBundle;
import org.veilswarm.launcher.internal.FrameworkProperties;

/**
 * {@code veilswarm verify}: every feature file in {@code features/} parses, and every bundle it lists is in
 * {@code bundles/} and is an OSGi bundle. The build runs it on the assembled distribution, so a bundle a
 * feature lists but Maven did not deliver fails the build.
 */
final class VerifyCommand {

    private VerifyCommand() {
    }

    static void verify(LauncherSettings settings, PrintStream out) throws CliException {
        FeatureSource features = FeatureSource.directory(settings.featuresDirectory());
        BundleSource bundles = BundleSource.mavenRepository(settings.bundlesDirectory());
        List<String> names = new ArrayList<>(features.available());
        if (names.isEmpty()) {
            throw new CliException("No feature files in " + settings.featuresDirectory());
        }
        List<String> errors = new ArrayList<>();
        int count = 0;
        for (String name : names) {
            FeatureSet set;
            try {
                set = FeatureSet.read(features, List.of(name), FrameworkProperties.RUNTIME_BUNDLE_START_LEVEL);
            } catch (VeilswarmLaunchException e) {
                errors.add(e.getMessage());
                continue;
            }
            for (PlannedBundle b : set.bundles()) {
                count++;
                Optional<Path> jar = bundles.locate(b.coordinates());
                if (jar.isEmpty()) {
                    errors.add(name + ": " + b.coordinates() + " is not in " + settings.bundlesDirectory());
                } else if (symbolicName(jar.get()) == null) {
                    errors.add(name + ": " + jar.get() + " is not an OSGi bundle (no Bundle-SymbolicName)");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new CliException("The installation in " + settings.home + " is incomplete:\n  " + String.join("\n  ", errors));
        }
        out.println("OK: " + names.size() + " features " + names + ", " + count + " bundle entries, all present in "
                + settings.bundlesDirectory());
    }

    private static String symbolicName(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            return m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
        } catch (IOException e) {
            return null;
        }
    }
}
