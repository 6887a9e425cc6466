/**
 * One HTTP GET per stream over a {@link org.veilswarm.tracker.protocol.StreamConnector}, with a bounded answer and a
 * deadline: what the tracker client and the mirror's client share. Not exported.
 */
package org.veilswarm.tracker.http;
