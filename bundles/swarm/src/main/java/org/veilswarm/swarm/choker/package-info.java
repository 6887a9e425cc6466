/**
 * Whom to upload to, and how fast: the BitTorrent choker and bandwidth limits, as pure logic with an
 * injected clock (no threads, no timers, no network).
 *
 * <ul>
 *   <li>{@link org.veilswarm.swarm.choker.Choker}: tit-for-tat (BEP 3 "choking and optimistic
 *   unchoking"): {@link org.veilswarm.swarm.choker.ChokerConfig#regularSlots()} regular unchoke slots
 *   for the interested peers that upload fastest to us, re-evaluated every 10 s; one optimistic unchoke
 *   rotated every 30 s, newly connected peers three times as likely to get it; when seeding, the peers
 *   we upload fastest to; and, while an {@link org.veilswarm.api.accounting.AccountingScheme} is bound,
 *   peers ranked by its {@link org.veilswarm.api.accounting.Standing} first.</li>
 *   <li>{@link org.veilswarm.swarm.choker.RollingRate}: the 20-second rolling byte rates the choker
 *   ranks by.</li>
 *   <li>{@link org.veilswarm.swarm.choker.HierarchicalRateLimiter}: token buckets in a tree (a global
 *   limit, per-torrent limits below it): a byte is spent in its bucket and every ancestor.</li>
 * </ul>
 *
 * @see <a href="https://www.bittorrent.org/beps/bep_0003.html">BEP 3, The BitTorrent Protocol ("peer protocol": choking)</a>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.swarm.choker;
