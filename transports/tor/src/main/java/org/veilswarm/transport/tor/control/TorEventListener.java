package org.veilswarm.transport.tor.control;

/**
 * Receives events on the connection's Netty event loop, in the order tor sent them: it must not block
 * (and must not call the client's blocking methods). An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface TorEventListener {
    void onEvent(TorEvent event);
}
