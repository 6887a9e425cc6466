/**
 * The tracker server engine: {@link org.veilswarm.tracker.impl.TrackerService} (routing, announce, scrape,
 * independent of Netty's HTTP types) and {@link org.veilswarm.tracker.impl.TrackerServerInitializer}, the
 * Netty pipeline a transport listener runs for every inbound stream. Not exported; the DS component that
 * binds it to transports and a {@code TrackerStore} is the next step (issue 7).
 */
package org.veilswarm.tracker.impl;
