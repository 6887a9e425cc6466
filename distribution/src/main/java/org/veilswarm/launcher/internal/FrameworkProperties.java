package org.veilswarm.launcher.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The framework properties of a node (the contract in the project brief, plus what Felix, FileInstall and
 * Felix HTTP need). Bundles read them with {@code BundleContext.getProperty}.
 */
public final class FrameworkProperties {

    public static final String DATA_DIR = "veilswarm.data.dir";
    public static final String HTTP_PORT = "org.osgi.service.http.port";
    public static final String HTTP_HOST = "org.apache.felix.http.host";
    public static final String CM_DIR = "felix.cm.dir";
    public static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    public static final String FILEINSTALL_ENABLE_CONFIG_SAVE = "felix.fileinstall.enableConfigSave";
    public static final String FILEINSTALL_TMPDIR = "felix.fileinstall.tmpdir";
    public static final String STORAGE = "org.osgi.framework.storage";
    public static final String SYSTEM_PACKAGES_EXTRA = "org.osgi.framework.system.packages.extra";
    public static final String BOOT_DELEGATION_IMPLICIT = "felix.bootdelegation.implicit";
    public static final String WEBCONSOLE_REQUIRED_PROVIDERS = "felix.webconsole.security.providers";
    public static final String CACHE_FILE_LIMIT = "felix.cache.filelimit";

    /**
     * Bundle JARs Felix keeps open at once (the least recently used one is closed and reopened when a class or
     * resource is read from it again). Every open JAR keeps its central directory on the heap: 1.8-1.9 MB of
     * byte[] for the ~60 bundles of a testnet node, loaded once at start and rarely read again (docs/performance.md
     * "Node memory"). Override with {@code framework.felix.cache.filelimit} (0: no limit, Felix's default).
     */
    public static final int OPEN_BUNDLE_FILES = 10;

    /** Sub-directories of the data directory for framework storage and Configuration Admin files. */
    public static final String STORAGE_DIRECTORY = "felix-cache";
    public static final String CONFIG_DIRECTORY = "config";
    /**
     * FileInstall's work directory for transformed artifacts, under the data directory. Without it FileInstall makes
     * a new {@code fileinstall-<random>} directory in {@code java.io.tmpdir} at every start and removes it only at a
     * clean JVM exit, so every killed node (power loss, {@code kill -9}, a testnet torn down) left one behind.
     */
    public static final String FILEINSTALL_TMP_DIRECTORY = "tmp/fileinstall";

    /**
     * The launcher shares Configuration Admin's API with the framework (OSGi Core R8 4.2.2). The system bundle also
     * exports the JDK's {@code sun.nio.ch}: Netty's native epoll library looks up {@code sun.nio.ch.FileChannelImpl}
     * when it loads, through netty-common's class loader ({@code DynamicImport-Package: *}); without an exporter
     * the library does not load and the direct transport falls back to NIO (docs/performance.md, "Tracker
     * announces"). Loading that class needs no access to the package's internals.
     */
    public static final String EXPORTED_BY_LAUNCHER = "org.osgi.service.cm;version=1.6.0,sun.nio.ch";

    /** Keys the launcher derives from its own settings: setting them as extra properties is an error. */
    public static final Set<String> RESERVED = Set.of(DATA_DIR, HTTP_PORT, HTTP_HOST, CM_DIR, FILEINSTALL_DIR, STORAGE,
            "org.osgi.framework.startlevel.beginning");

    /** Start level for bundles installed while the node runs (FileInstall, console) and bundles without start-order. */
    public static final int RUNTIME_BUNDLE_START_LEVEL = 30;

    private FrameworkProperties() {
    }

    public static Map<String, String> of(Path dataDirectory, String consoleHost, int consolePort, Path deployDirectory,
            Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(DATA_DIR, dataDirectory.toString());
        p.put(STORAGE, dataDirectory.resolve(STORAGE_DIRECTORY).toString());
        p.put(CM_DIR, dataDirectory.resolve(CONFIG_DIRECTORY).toString());
        p.put(HTTP_PORT, Integer.toString(consolePort));
        p.put(HTTP_HOST, consoleHost);
        p.put(FILEINSTALL_DIR, deployDirectory.toString());
        // FileInstall: bundles and .cfg/.config files only (deploy/ holds a README), checked every 2 s,
        // and the first scan right at start rather than after one poll interval.
        p.put("felix.fileinstall.filter", ".*\\.(jar|cfg|config)");
        p.put("felix.fileinstall.poll", "2000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.log.level", "2");
        p.put(FILEINSTALL_TMPDIR, dataDirectory.resolve(FILEINSTALL_TMP_DIRECTORY).toString());
        // A deployed .cfg/.config file is the operator's: FileInstall must not write configurations back into it
        // (its default). The write-back runs on every update of the PID, including FileInstall's own first one,
        // truncates the file and rewrites it in another format, and a scan that reads it meanwhile applies an
        // empty or partial configuration: a tor transport restarted with the defaults 3 s after its deployed
        // configuration (issue #9; DeployedConfigurationTest).
        p.put(FILEINSTALL_ENABLE_CONFIG_SAVE, "false");
        // The launcher raises the start level step by step (see StartLevelSteps); bundles installed later get
        // a level above every feature bundle.
        p.put("org.osgi.framework.startlevel.beginning", "1");
        p.put("felix.startlevel.bundle", Integer.toString(RUNTIME_BUNDLE_START_LEVEL));
        // Without this, Felix lets the JDK's ServiceLoader see the embedding application's class path: an
        // application with slf4j on it makes slf4j inside the framework reject its provider ("not a subtype")
        // and drop every bundle's log, Jetty's "Failed to bind" included.
        p.put(BOOT_DELEGATION_IMPLICIT, "false");
        // The Felix Web Console serves nothing until our security provider (registered by the console bundle)
        // is present, so there is no window at start-up in which its built-in admin/admin login works.
        p.put(WEBCONSOLE_REQUIRED_PROVIDERS, "veilswarm");
        p.put(CACHE_FILE_LIMIT, Integer.toString(OPEN_BUNDLE_FILES));
        p.putAll(extra);
        String packages = extra.get(SYSTEM_PACKAGES_EXTRA);
        p.put(SYSTEM_PACKAGES_EXTRA, packages == null || packages.isBlank() ? EXPORTED_BY_LAUNCHER
                : EXPORTED_BY_LAUNCHER + "," + packages);
        return p;
    }
}
