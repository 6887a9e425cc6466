/**
 * A client for C tor's control port (control-spec): the line protocol on Netty, authentication
 * (SAFECOOKIE, COOKIE, HASHEDPASSWORD, NULL; control-spec §3.5, §3.21, §3.24), typed calls for
 * GETINFO, GETCONF/SETCONF/RESETCONF, SETEVENTS with typed events, ADD_ONION/DEL_ONION, SIGNAL and
 * TAKEOWNERSHIP.
 *
 * <p>Entry point: {@link org.veilswarm.transport.tor.control.TorControlClient}. Replies are
 * {@link org.veilswarm.transport.tor.control.ControlReply} values; a 4xx/5xx reply becomes a
 * {@link org.veilswarm.transport.tor.control.TorControlException} carrying tor's status code, malformed
 * bytes from tor a {@link org.veilswarm.transport.tor.control.ControlProtocolException}.
 *
 * @see <a href="https://spec.torproject.org/control-spec/">control-spec</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.tor.control;
