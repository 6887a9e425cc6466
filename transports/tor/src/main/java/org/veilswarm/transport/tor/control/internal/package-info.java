/** Implementation of the control-port client: the Netty reply decoder, the command/reply matching handler, parsers. */
package org.veilswarm.transport.tor.control.internal;
