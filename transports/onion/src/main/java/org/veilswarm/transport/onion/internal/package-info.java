/**
 * The OSGi wiring of the native onion transport: a Declarative Services component registering
 * {@link org.veilswarm.api.transport.Transport} with {@code transport.scheme=onion}, its typed
 * configuration, and the plain-Java engine behind it (testable without a framework). Not exported.
 */
package org.veilswarm.transport.onion.internal;
