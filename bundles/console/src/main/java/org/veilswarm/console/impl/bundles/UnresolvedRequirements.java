package org.veilswarm.console.impl.bundles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;

/**
 * Why an installed bundle does not resolve, found without side effects: each mandatory requirement for which
 * {@link FrameworkWiring#findProviders} (OSGi Core R8 §7.3.9) finds no capability at all is listed.
 *
 * <p>A GET must not change state, so no resolve or start is attempted here. When every requirement has some
 * candidate, the resolver must have rejected a combination (a {@code uses} conflict); only a resolve attempt
 * can explain that, and {@code POST /api/bundles/{id}/start} reports the framework's message.
 */
final class UnresolvedRequirements {

    private UnresolvedRequirements() {
    }

    static Map<String, Object> describe(Bundle bundle, FrameworkWiring frameworkWiring) {
        Map<String, Object> json = new LinkedHashMap<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        List<Map<String, Object>> missing = new ArrayList<>();
        if (revision != null && frameworkWiring != null) {
            for (BundleRequirement requirement : revision.getDeclaredRequirements(null)) {
                if (!isMandatoryAtResolve(requirement)) {
                    continue;
                }
                if (frameworkWiring.findProviders(requirement).isEmpty()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("namespace", requirement.getNamespace());
                    m.put("filter", requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
                    missing.add(m);
                }
            }
        }
        json.put("missingRequirements", missing);
        json.put("message", missing.isEmpty()
                ? "every requirement has a candidate provider; the resolver may have rejected a combination"
                        + " (a uses-constraint conflict): start the bundle to see the resolver's message"
                : "no installed bundle provides " + missing.size() + " of this bundle's requirements");
        return json;
    }

    private static boolean isMandatoryAtResolve(BundleRequirement requirement) {
        Map<String, String> directives = requirement.getDirectives();
        String resolution = directives.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
        if (Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                || PackageNamespace.RESOLUTION_DYNAMIC.equals(resolution)) {
            return false;
        }
        String effective = directives.get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        return effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective);
    }
}
