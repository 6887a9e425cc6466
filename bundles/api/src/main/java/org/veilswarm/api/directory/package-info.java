/**
 * The directory SPI: how a node learns which relays exist and picks them for circuits.
 *
 * <p>Schemes ({@code consensus}, {@code merkle}, ...) are registered as
 * {@link org.veilswarm.api.directory.DirectoryScheme} services with the service property
 * {@link org.veilswarm.api.directory.DirectoryScheme#SCHEME}. A scheme plays up to three roles: authority
 * (signs the relay list), cache (serves it to clients over directory streams) and client (a
 * {@link org.veilswarm.api.directory.RelaySampler} returning verified, bandwidth-weighted picks).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.veilswarm.api.directory;
