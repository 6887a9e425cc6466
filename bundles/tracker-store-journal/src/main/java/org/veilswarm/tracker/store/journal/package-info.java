/**
 * The journal tracker store: {@link org.veilswarm.tracker.store.journal.JournalTrackerStore} answers from the
 * memory store's view and keeps its state in an append-only, checksummed journal with snapshots;
 * {@link org.veilswarm.tracker.store.journal.JournalTrackerStoreComponent} registers it as
 * {@code tracker.store=journal}. Nothing here is exported: other bundles use the {@code TrackerStore} service.
 */
package org.veilswarm.tracker.store.journal;
