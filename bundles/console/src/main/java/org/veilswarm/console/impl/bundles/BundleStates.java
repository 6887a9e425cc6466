package org.veilswarm.console.impl.bundles;

import org.osgi.framework.Bundle;

/** Names of the bundle states (OSGi Core R8 §4.4.2) as the API shows them. */
public final class BundleStates {

    private BundleStates() {
    }

    public static String name(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
