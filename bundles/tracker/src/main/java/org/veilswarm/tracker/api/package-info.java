/**
 * The tracker server as a service: {@link org.veilswarm.tracker.api.TrackerShares}, through which the share
 * layer registers the shares a node tracks, converts a private share to a public one and revokes tokens, and
 * learns where the tracker listens. See docs/protocols/tracker.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.veilswarm.tracker.api;
