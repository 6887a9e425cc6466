/**
 * Shares and downloads as plain Java objects over a swarm engine, the tracker's {@code TrackerShares}, a tracker
 * store and transports: {@link org.veilswarm.share.impl.ShareService} and
 * {@link org.veilswarm.share.impl.DownloadService}. No OSGi code; the DS components in {@code internal} wire them.
 */
package org.veilswarm.share.impl;
