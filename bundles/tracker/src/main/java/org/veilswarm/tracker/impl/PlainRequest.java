package org.veilswarm.tracker.impl;

/**
 * A tracker request read by {@link PlainRequestReader}: a GET with no body.
 *
 * @param target the request target as received (origin form: path and optional raw query)
 * @param keepAlive whether the stream stays open after the answer (RFC 9112 §9.3)
 */
record PlainRequest(String target, boolean keepAlive) {
}
