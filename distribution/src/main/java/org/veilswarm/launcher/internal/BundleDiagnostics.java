package org.veilswarm.launcher.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.veilswarm.launcher.BundleProblem;

/**
 * Explains why launcher-managed bundles are not working: for a bundle that did not resolve, the mandatory
 * requirements no installed bundle provides; for one whose start failed, the error the framework reported
 * (framework events of type ERROR, OSGi Core R8 10.1.7.22), which for resolution failures already names
 * the missing requirement.
 */
public final class BundleDiagnostics implements FrameworkListener {

    private final Map<Long, List<String>> errors = new ConcurrentHashMap<>();

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null && event.getThrowable() != null) {
            errors.computeIfAbsent(event.getBundle().getBundleId(), id -> new CopyOnWriteArrayList<>())
                    .add(describe(event.getThrowable()));
        }
    }

    /** The launcher-managed bundles that are not ACTIVE (fragments: not RESOLVED), with the reason. */
    public List<BundleProblem> problems(Framework framework) {
        List<BundleProblem> problems = new ArrayList<>();
        FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (!BundleInstaller.isManaged(b)) {
                continue;
            }
            boolean fragment = BundleInstaller.isFragment(b);
            boolean working = fragment ? b.getState() == Bundle.RESOLVED : b.getState() == Bundle.ACTIVE;
            if (!working) {
                problems.add(new BundleProblem(b.getBundleId(), String.valueOf(b.getSymbolicName()),
                        b.getVersion().toString(), b.getLocation(), stateName(b.getState()), reason(b, wiring)));
            }
        }
        return problems;
    }

    private String reason(Bundle b, FrameworkWiring wiring) {
        List<String> reported = errors.getOrDefault(b.getBundleId(), List.of());
        if (b.getState() == Bundle.INSTALLED) {
            List<String> missing = missingRequirements(b, wiring);
            if (!missing.isEmpty()) {
                return "does not resolve: nothing provides " + String.join("; ", missing);
            }
            return "does not resolve" + (reported.isEmpty() ? " (a bundle it depends on does not resolve, or a"
                    + " uses-constraint conflict)" : ": " + reported.get(reported.size() - 1));
        }
        if (!reported.isEmpty()) {
            return "failed to start: " + reported.get(reported.size() - 1);
        }
        return "not started";
    }

    /** Mandatory, resolve-time requirements for which the framework finds no provider at all. */
    static List<String> missingRequirements(Bundle b, FrameworkWiring wiring) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        List<String> missing = new ArrayList<>();
        if (revision == null) {
            return missing;
        }
        for (Requirement r : revision.getRequirements(null)) {
            Map<String, String> directives = r.getDirectives();
            boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(directives.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
            String effective = directives.getOrDefault(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE, Namespace.EFFECTIVE_RESOLVE);
            if (optional || !Namespace.EFFECTIVE_RESOLVE.equals(effective)) {
                continue;
            }
            Collection<?> providers = wiring.findProviders(r);
            if (providers.isEmpty()) {
                missing.add(r.getNamespace() + " " + directives.getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "")
                        + (ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE.equals(r.getNamespace())
                                ? " (needs a newer Java)" : ""));
            }
        }
        return missing;
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            s.append(" / caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return s.toString();
    }

    static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            default: return "state " + state;
        }
    }
}
