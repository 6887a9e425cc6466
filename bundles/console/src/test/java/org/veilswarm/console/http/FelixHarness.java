package org.veilswarm.console.http;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A real Felix 7 with the bundles of the console feature (and the core bundles it needs), taken from the test
 * class path, plus the console bundle just packaged. Configuration Admin's and the Log Service's API packages
 * are exported by the system bundle, as the launcher does, so the test can configure the console with the
 * same classes; with no log service installed, the console logs through {@link System.Logger}.
 */
final class FelixHarness implements AutoCloseable {

    /** Artifacts in start order; the console bundle comes last. */
    private static final List<String> ARTIFACTS = List.of(
            "slf4j-api", "slf4j-provider",
            "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
            "org.apache.felix.configadmin", "org.apache.felix.scr",
            "netty-common", "netty-buffer", "netty-resolver", "netty-transport",
            "bcprov-jdk18on", "bcutil-jdk18on", "bcpkix-jdk18on",
            "api", "crypto", "node",
            "jackson-core",
            "org.apache.felix.http.servlet-api", "commons-io", "commons-fileupload", "org.apache.felix.http.jetty12",
            "org.apache.felix.inventory", "encoder", "org.apache.felix.webconsole");

    private final Framework framework;
    final Path dataDirectory;
    final int port;

    private FelixHarness(Framework framework, Path dataDirectory, int port) {
        this.framework = framework;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /**
     * Boots the framework, starts every bundle, applies {@code configurations} (PID → properties), then
     * starts the console bundle.
     */
    static FelixHarness start(Path work, int port, Map<String, Dictionary<String, Object>> configurations)
            throws Exception {
        return start(work, port, configurations, false);
    }

    /**
     * @param withLogService also start Felix Log (a LogReaderService for the console's log page); without it
     *        the console logs through {@link System.Logger}, which ConsolePortCheckTest captures
     */
    static FelixHarness start(Path work, int port, Map<String, Dictionary<String, Object>> configurations,
            boolean withLogService) throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "org.osgi.service.cm;version=1.6.0,org.osgi.service.log;version=1.5.0");
        properties.put("veilswarm.data.dir", data.toString());
        properties.put("org.osgi.service.http.port", Integer.toString(port));
        properties.put("org.apache.felix.http.host", "127.0.0.1");
        properties.put("felix.cm.dir", work.resolve("config").toString());
        // The test class path holds slf4j's provider too; Felix's implicit boot delegation let ServiceLoader find
        // that copy ("not a subtype") and Jetty's log went to NOP.
        properties.put("felix.bootdelegation.implicit", "false");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(properties);
        framework.start();
        FelixHarness harness = new FelixHarness(framework, data, port);
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            List<String> artifacts = new ArrayList<>(ARTIFACTS);
            if (withLogService) {
                artifacts.add(artifacts.indexOf("org.apache.felix.scr"), "org.apache.felix.log");
            }
            for (String artifact : artifacts) {
                installed.add(context.installBundle(jar(artifact).toUri().toString()));
            }
            for (Bundle bundle : installed) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start();
                }
            }
            harness.configure(configurations);
            Path console = Path.of(System.getProperty("console.bundle", "target/console.jar"));
            if (!Files.isRegularFile(console)) {
                throw new IllegalStateException("console bundle not found at " + console
                        + ": run through `mvn verify` (failsafe), after packaging");
            }
            context.installBundle(console.toUri().toString()).start();
            return harness;
        } catch (Exception | AssertionError e) {
            harness.close();
            throw e;
        }
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    Dictionary<String, Object> configuration(String pid) throws IOException {
        ServiceReference<ConfigurationAdmin> reference = context().getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = context().getService(reference);
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            return found == null ? null : found[0].getProperties();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        } finally {
            context().ungetService(reference);
        }
    }

    private void configure(Map<String, Dictionary<String, Object>> configurations) throws IOException {
        if (configurations.isEmpty()) {
            return;
        }
        ServiceReference<ConfigurationAdmin> reference = context().getServiceReference(ConfigurationAdmin.class);
        if (reference == null) {
            throw new IllegalStateException("ConfigurationAdmin is not registered");
        }
        ConfigurationAdmin admin = context().getService(reference);
        for (Map.Entry<String, Dictionary<String, Object>> entry : configurations.entrySet()) {
            admin.getConfiguration(entry.getKey(), null).update(entry.getValue());
        }
        context().ungetService(reference);
    }

    /**
     * Calls {@code method} of the service {@code iface}, whose API package is not shared with the test: the
     * interface is loaded from {@code apiBundle} and called reflectively.
     */
    Object callService(String apiBundle, String iface, String method, Class<?>[] types, Object... args)
            throws ReflectiveOperationException, InvalidSyntaxException {
        Class<?> type = bundle(apiBundle).loadClass(iface);
        // All references: the system bundle does not share the API package, so the filtered lookup hides them.
        ServiceReference<?>[] references = context().getAllServiceReferences(iface, null);
        if (references == null) {
            throw new IllegalStateException(iface + " is not registered");
        }
        ServiceReference<?> reference = references[0];
        Object service = context().getService(reference);
        try {
            return type.getMethod(method, types).invoke(service, args);
        } finally {
            context().ungetService(reference);
        }
    }

    /** Enables or disables a DS component of {@code bundle} through ServiceComponentRuntime, and waits. */
    void setComponentEnabled(String bundleName, String component, boolean enabled)
            throws ReflectiveOperationException, InvalidSyntaxException {
        String scr = "org.osgi.service.component.runtime.ServiceComponentRuntime";
        Object description = callService("org.osgi.service.component", scr, "getComponentDescriptionDTO",
                new Class<?>[] {Bundle.class, String.class}, bundle(bundleName), component);
        if (description == null) {
            throw new IllegalArgumentException("no component " + component + " in " + bundleName);
        }
        Class<?> descriptionType = bundle("org.osgi.service.component")
                .loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
        Object promise = callService("org.osgi.service.component", scr,
                enabled ? "enableComponent" : "disableComponent", new Class<?>[] {descriptionType}, description);
        bundle("org.osgi.util.promise").loadClass("org.osgi.util.promise.Promise").getMethod("getValue")
                .invoke(promise);
    }

    /** The jar of {@code artifactId} on the test class path. */
    static Path jar(String artifactId) {
        Pattern name = Pattern.compile(Pattern.quote(artifactId) + "-\\d.*\\.jar");
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName() != null && name.matcher(path.getFileName().toString()).matches()) {
                return path;
            }
        }
        throw new IllegalStateException(artifactId + " is not on the test class path (or not as a jar)");
    }

    @Override
    public void close() throws BundleException {
        framework.stop();
        try {
            framework.waitForStop(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
