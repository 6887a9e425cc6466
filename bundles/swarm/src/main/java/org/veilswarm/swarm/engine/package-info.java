/**
 * The swarm engine: runs BEP 52 (v2 and hybrid) torrents over peer connections that are Netty channels
 * from any {@link org.veilswarm.api.transport.Transport}, so one torrent can have peers on several
 * transports at once. A {@link org.veilswarm.swarm.engine.SwarmEngine} holds the torrents and the
 * listeners; a {@link org.veilswarm.swarm.engine.TorrentSession} is one torrent: peer wire state per
 * connection (BEP 3, BEP 6 fast extension, BEP 10 extension handshake, BEP 9 metadata and BEP 52 hash
 * requests served), requests driven by {@link org.veilswarm.swarm.picker.PiecePicker}, pieces verified by
 * {@link org.veilswarm.swarm.storage.PieceStore} before {@code have}, choking and rate limits behind
 * {@link org.veilswarm.swarm.engine.ChokingPolicy} and {@link org.veilswarm.swarm.engine.RateLimiter}.
 * Plain Java and Netty; no OSGi code.
 */
@Export
@Version("1.3.0")
package org.veilswarm.swarm.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
