/**
 * The JDBC tracker store: {@link org.veilswarm.tracker.store.jdbc.JdbcTrackerStore} is a plain Java object over a
 * {@link javax.sql.DataSource} (H2 embedded or PostgreSQL), {@link org.veilswarm.tracker.store.jdbc.SchemaMigrator}
 * keeps its schema current, and {@link org.veilswarm.tracker.store.jdbc.JdbcTrackerStoreComponent} is the thin DS
 * wiring that registers it as a {@link org.veilswarm.api.tracker.TrackerStore} with {@code tracker.store=jdbc}.
 * Nothing here is exported: other bundles use the {@code TrackerStore} service.
 */
package org.veilswarm.tracker.store.jdbc;
