package org.veilswarm.console.impl.bundles;

import org.osgi.framework.Version;

/**
 * What the console learned about an uploaded or downloaded bundle before handing it to the framework.
 *
 * @param symbolicName the Bundle-SymbolicName, without directives
 * @param version the Bundle-Version (0.0.0 if absent, as OSGi Core §3.2.1.18 says)
 * @param fragment whether the archive declares a Fragment-Host
 */
public record BundleArchive(String symbolicName, Version version, boolean fragment) {
}
