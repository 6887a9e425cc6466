package org.veilswarm.transport.onion.service;

import java.time.Clock;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.hs.HsDirRequests;
import org.veilswarm.transport.onion.hs.rend.CircuitFactory;

/** What every published service of one {@link OnionServices} shares: circuits, the HSDirs, timers, counters. */
record ServiceContext(ServiceCircuits circuits, CircuitFactory serviceSide, HsDirList hsDirs,
        HsDirRequests<RelayDescriptor> requests, OnionServices.Settings settings, Clock clock,
        ServiceTimer timer, java.util.function.Supplier<IntroPointRotation> rotation, ServiceStatistics statistics) {
}
