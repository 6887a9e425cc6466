/**
 * BitTorrent v2 metainfo (BEP 52), optionally hybrid with the v1 fields of BEP 3 and BEP 47 pad files
 * (BEP 52 "Upgrade Path").
 *
 * <ul>
 *   <li>{@link org.veilswarm.metainfo.MetainfoParser} turns a {@code .torrent} (or a bare {@code info}
 *   dictionary received through BEP 9) into a validated {@link org.veilswarm.metainfo.Metainfo}: file
 *   tree, piece layers checked against their pieces roots, v1/v2 consistency of hybrids, info-hashes
 *   computed over the {@code info} bytes exactly as received.</li>
 *   <li>{@link org.veilswarm.metainfo.TorrentPath} holds only path components that are safe on every
 *   common file system, and {@link org.veilswarm.metainfo.TorrentPath#resolveUnder} can never leave the
 *   download directory.</li>
 *   <li>{@link org.veilswarm.metainfo.MerkleTree} is the BEP 52 hash tree: 16 KiB leaves, SHA-256,
 *   zero-padded to a power of two; piece layers and proofs for hash requests.</li>
 *   <li>{@link org.veilswarm.metainfo.TorrentCreator} hashes a file or folder in parallel, with progress
 *   and cancellation, into v2-only or hybrid metainfo.</li>
 * </ul>
 *
 * @see <a href="https://www.bittorrent.org/beps/bep_0052.html">BEP 52</a>
 * @see <a href="https://www.bittorrent.org/beps/bep_0047.html">BEP 47</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.metainfo;
