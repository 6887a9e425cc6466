/**
 * The directory protocol's transport (docs/protocols/directory-consensus.md §5): HTTP/1.1 over any Netty
 * channel, so the same code runs over loopback TCP and the direct transport today and over onion-circuit
 * BEGIN_DIR streams (tor-spec §6.2) when they carry it. {@link org.veilswarm.directory.http.DirectoryServerInitializer}
 * sets up the serving side of a stream, {@link org.veilswarm.directory.http.DirectoryHttpClient} asks over
 * streams a {@link org.veilswarm.directory.http.DirectoryConnector} opens. No directory logic lives here: the
 * resources are {@link org.veilswarm.directory.http.DirectoryHttpService}s.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.veilswarm.directory.http;
