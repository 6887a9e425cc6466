/**
 * Piece picking for a BitTorrent swarm, free of any network code: availability counting from BEP 3
 * {@code bitfield}/{@code have} and BEP 6 {@code have all}/{@code have none}, rarest-first with random
 * tie-breaking, random first pieces, strict-sequential mode, priorities, 16 KiB block requests, pending
 * requests per peer, end-game with duplicate cancellation, and BEP 6 allowed-fast sets.
 *
 * <p>{@link org.veilswarm.swarm.picker.PieceOrder} is a pure function (candidates in, order out);
 * {@link org.veilswarm.swarm.picker.PiecePicker} is the small, single-threaded state object an engine
 * drives from its event loop.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.swarm.picker;
