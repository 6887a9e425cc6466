package org.veilswarm.console.impl.bundles;

/** An archive that is not an installable OSGi bundle; the message says why, for the operator. */
public final class InvalidBundleException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidBundleException(String message) {
        super(message);
    }
}
