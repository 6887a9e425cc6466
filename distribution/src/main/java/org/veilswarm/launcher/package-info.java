/**
 * The embeddable Veilswarm launcher: boots an Apache Felix framework for one node, installs the bundles of
 * the chosen features (OSGi Compendium R8 ch. 159 feature files), applies their configuration through
 * Configuration Admin, and reports what failed to resolve or start.
 *
 * <p>Appliance vendors embed a node with {@link org.veilswarm.launcher.VeilswarmNode#builder()}; the
 * {@code veilswarm} command line is a thin layer over the same API. See {@code docs/embedding.md}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.launcher;
