/**
 * The tracker store SPI: where a tracker keeps announces, torrent records and the change feed that
 * mirrors replay.
 *
 * <p>Stores are registered as {@link org.veilswarm.api.tracker.TrackerStore} services with the service
 * property {@link org.veilswarm.api.tracker.TrackerStore#STORE} ({@code memory}, {@code jdbc}, ...).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.veilswarm.api.tracker;
