/**
 * The tor transport: {@link org.veilswarm.transport.tor.impl.TorTransportEngine} (a plain object: SOCKS5
 * streams out, ADD_ONION services in, relay counters and monitoring from control-port events) and the DS
 * component that wires it to configuration. Not exported.
 */
package org.veilswarm.transport.tor.impl;
