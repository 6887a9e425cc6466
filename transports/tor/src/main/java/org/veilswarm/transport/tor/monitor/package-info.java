/**
 * What the tor transport shows an operator (seed 000's Nyx-style view): the state of the tor it drives,
 * bootstrap progress, bandwidth as a time series, circuits, and tor's log lines de-duplicated. The
 * transport registers a {@link org.veilswarm.transport.tor.monitor.TorMonitor} service the console reads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.tor.monitor;
