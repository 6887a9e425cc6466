package org.veilswarm.console.impl.stats;

/**
 * Where the statistics read uploads and downloads. The console's own interface, so {@link StatsSampler} does not
 * name the swarm engine's classes, whose package is only there when the share feature is (dynamic import).
 */
public interface TransferSource {

    TransferReading read();
}
