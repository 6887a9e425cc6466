/**
 * The tracker's wire format, shared by the server and {@link org.veilswarm.tracker.protocol.TrackerClient}:
 * byte-exact query parsing and percent-encoding, announce and scrape requests and responses (BEP 3, 7, 23,
 * 48) with Veilswarm's onion peers ({@code onion=} parameter, 34-byte {@code peers_onion} entries), and the
 * {@link org.veilswarm.tracker.protocol.ShareTokens} lookup through which the share bundle tells the server
 * which tokens and torrents exist. See docs/protocols/tracker.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.veilswarm.tracker.protocol;
