/**
 * The direct transport: plain TCP on Netty (NIO), with <strong>no anonymity at all</strong>.
 *
 * <p>{@link org.veilswarm.transport.direct.impl.DirectTransportEngine} is a plain Java object that
 * implements {@link org.veilswarm.api.transport.Transport} and works without a container (unit tests, an
 * in-JVM harness); {@link org.veilswarm.transport.direct.impl.DirectTransportComponent} is the thin DS wiring
 * that registers it with {@code transport.scheme=direct}. Nothing here is exported: other bundles reach the
 * transport through the {@code Transport} service only.
 */
package org.veilswarm.transport.direct.impl;
