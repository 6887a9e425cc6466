/**
 * Tracker mirroring (docs/protocols/tracker-mirroring.md): node B keeps a copy of node A's tracker data for a
 * share and serves it as its own tracker.
 *
 * <p>Source side (A): {@link org.veilswarm.tracker.mirror.FeedFollower} is the one reader of A's
 * {@link org.veilswarm.api.tracker.TrackerStore}: it keeps a compacted view (records and current peers) and the
 * recent changes, so that snapshots and change batches come from one consistent sequence whatever the store;
 * {@link org.veilswarm.tracker.mirror.MirrorSource} answers {@code GET /<private|public>/<token>/mirror/...}
 * with Ed25519-signed bencoded documents; {@link org.veilswarm.tracker.mirror.MirrorServerInitializer} puts it
 * in front of the tracker pipeline.
 *
 * <p>Mirror side (B): {@link org.veilswarm.tracker.mirror.TrackerMirror} takes a signed snapshot once, then
 * long-polls the change feed, verifies every document against the key inside A's onion address, and applies
 * it to B's own store; {@link org.veilswarm.tracker.mirror.MirrorCursorFile} remembers where it stopped.
 *
 * <p>Not exported: the tracker's DS wiring inside this bundle uses it.
 */
package org.veilswarm.tracker.mirror;
