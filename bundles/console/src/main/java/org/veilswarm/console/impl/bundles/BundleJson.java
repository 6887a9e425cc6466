package org.veilswarm.console.impl.bundles;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/** The JSON shapes of bundles in the REST API (maps and lists, serialized by Jackson). */
public final class BundleJson {

    /** Manifest headers shown in the detail view (the full manifest is available in the Felix Web Console). */
    static final List<String> DETAIL_HEADERS = List.of(Constants.BUNDLE_NAME, Constants.BUNDLE_DESCRIPTION,
            Constants.BUNDLE_VENDOR, Constants.BUNDLE_DOCURL, "Bundle-License", Constants.BUNDLE_CATEGORY,
            Constants.BUNDLE_ACTIVATOR, Constants.FRAGMENT_HOST, "Service-Component");

    private BundleJson() {
    }

    /** {@code {id, symbolicName, version, state, name, location, fragment, lastModified, startLevel}} */
    public static Map<String, Object> summary(Bundle bundle) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", bundle.getBundleId());
        json.put("symbolicName", bundle.getSymbolicName());
        json.put("version", bundle.getVersion().toString());
        json.put("state", BundleStates.name(bundle.getState()));
        Dictionary<String, String> headers = bundle.getHeaders("");
        json.put("name", headers == null ? null : headers.get(Constants.BUNDLE_NAME));
        json.put("location", bundle.getLocation());
        json.put("fragment", isFragment(bundle));
        json.put("lastModified", Instant.ofEpochMilli(bundle.getLastModified()).toString());
        json.put("startLevel", startLevel(bundle));
        return json;
    }

    /** The bundle's start level (OSGi Core §9.3), or {@code null} once it is uninstalled. */
    private static Integer startLevel(Bundle bundle) {
        try {
            BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
            return level == null ? null : level.getStartLevel();
        } catch (IllegalArgumentException | IllegalStateException uninstalled) {
            return null;
        }
    }

    /** The summary plus headers, services, package wiring and, when unresolved, what is missing. */
    public static Map<String, Object> detail(Bundle bundle, FrameworkWiring frameworkWiring) {
        Map<String, Object> json = summary(bundle);
        Dictionary<String, String> raw = bundle.getHeaders("");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : DETAIL_HEADERS) {
            String value = raw == null ? null : raw.get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        json.put("headers", headers);
        json.put("services", services(bundle));
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        json.put("importedPackages", importedPackages(wiring));
        json.put("exportedPackages", exportedPackages(bundle, wiring));
        if (bundle.getState() == Bundle.INSTALLED) {
            json.put("unresolved", UnresolvedRequirements.describe(bundle, frameworkWiring));
        }
        return json;
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static List<Map<String, Object>> services(Bundle bundle) {
        List<Map<String, Object>> services = new ArrayList<>();
        ServiceReference<?>[] registered = bundle.getState() == Bundle.UNINSTALLED ? null
                : bundle.getRegisteredServices();
        if (registered == null) {
            return services;
        }
        for (ServiceReference<?> reference : registered) {
            Map<String, Object> service = new LinkedHashMap<>();
            service.put("id", reference.getProperty(Constants.SERVICE_ID));
            service.put("objectClass", List.of((String[]) reference.getProperty(Constants.OBJECTCLASS)));
            Object pid = reference.getProperty(Constants.SERVICE_PID);
            if (pid != null) {
                service.put("pid", String.valueOf(pid));
            }
            services.add(service);
        }
        return services;
    }

    private static List<Map<String, Object>> importedPackages(BundleWiring wiring) {
        List<Map<String, Object>> packages = new ArrayList<>();
        if (wiring == null) {
            return packages;
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            Map<String, Object> attributes = wire.getCapability().getAttributes();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", attributes.get(PackageNamespace.PACKAGE_NAMESPACE));
            p.put("version", String.valueOf(attributes.get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE)));
            p.put("providerBundleId", wire.getProvider().getBundle().getBundleId());
            packages.add(p);
        }
        return packages;
    }

    private static List<Map<String, Object>> exportedPackages(Bundle bundle, BundleWiring wiring) {
        List<Map<String, Object>> packages = new ArrayList<>();
        List<BundleCapability> capabilities;
        if (wiring != null) {
            capabilities = wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE);
        } else {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            capabilities = revision == null ? List.of()
                    : revision.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE);
        }
        for (BundleCapability capability : capabilities) {
            Map<String, Object> attributes = capability.getAttributes();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", attributes.get(PackageNamespace.PACKAGE_NAMESPACE));
            p.put("version", String.valueOf(attributes.get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE)));
            packages.add(p);
        }
        return packages;
    }
}
