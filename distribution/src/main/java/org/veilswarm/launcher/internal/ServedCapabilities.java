package org.veilswarm.launcher.internal;

import java.util.Collection;

import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * A resolver hook (OSGi Core R8 60 "Resolver Hook Service Specification") that lets a capability carrying the
 * attribute {@value #SERVES} satisfy only requirements of the bundle that attribute names.
 *
 * <p>Why: the node's slf4j provider is a fragment of slf4j-api and stands in for the OSGi Service Loader Mediator
 * processor slf4j-api requires (inside its own class loader there is nothing to mediate). Any other bundle
 * wired to that stand-in would resolve and then find its {@code ServiceLoader} calls see nothing; with this hook it
 * does not resolve, and Felix names the missing {@code osgi.serviceloader.processor} extender instead
 * (docs/plugin-authors.md: install SPI Fly).
 */
final class ServedCapabilities implements ResolverHookFactory {
    /** The attribute naming the only bundle (by symbolic name) a capability may be wired to. */
    static final String SERVES = "veilswarm.serves";

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new Hook();
    }

    /** Whether {@code capability} may satisfy {@code requirement}: always, unless it names another bundle. */
    static boolean allowed(BundleCapability capability, BundleRequirement requirement) {
        Object serves = capability.getAttributes().get(SERVES);
        return serves == null || serves.equals(requirement.getRevision().getSymbolicName());
    }

    private static final class Hook implements ResolverHook {
        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
            // Every bundle may resolve.
        }

        @Override
        public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
            // Singletons are the framework's business.
        }

        @Override
        public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
            candidates.removeIf(c -> !allowed(c, requirement));
        }

        @Override
        public void end() {
            // Nothing held.
        }
    }
}
