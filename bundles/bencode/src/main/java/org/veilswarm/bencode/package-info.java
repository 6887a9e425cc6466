/**
 * Bencoding as BEP 3 defines it: byte strings, 64-bit integers, lists and dictionaries whose keys are
 * byte strings in raw byte order.
 *
 * <p>{@link org.veilswarm.bencode.BencodeDecoder} is strict by default: it accepts only the canonical
 * form (no leading zeros, no {@code -0}, sorted unique keys, nothing after the value), bounded by
 * {@link org.veilswarm.bencode.BencodeLimits}, and reports every problem as a
 * {@link org.veilswarm.bencode.BencodeException} carrying the byte offset. Decoded dictionaries remember
 * the exact byte span of each value, so a metainfo {@code info} dictionary can be hashed exactly as
 * received (BEP 3 / BEP 52 "infohash"). {@link org.veilswarm.bencode.BencodeEncoder} always writes the
 * canonical form.
 *
 * @see <a href="https://www.bittorrent.org/beps/bep_0003.html">BEP 3, "bencoding"</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.bencode;
