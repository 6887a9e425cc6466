/**
 * The client side of directory caches (issue #4): one-hop circuits with the ntor handshake to relays acting as
 * directory caches and RELAY_BEGIN_DIR streams on them (tor-spec §5.1.4, §6.2), offered to the directory schemes
 * as the API's {@link org.veilswarm.api.directory.DirectoryStreams} service. Not exported: the schemes see the
 * service only.
 */
package org.veilswarm.transport.onion.dirclient;
