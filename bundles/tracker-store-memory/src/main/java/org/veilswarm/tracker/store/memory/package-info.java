/**
 * The in-memory tracker store: {@link org.veilswarm.tracker.store.memory.MemoryTrackerStore} is a plain
 * Java object (bounded, thread-safe) and {@link org.veilswarm.tracker.store.memory.MemoryTrackerStoreComponent}
 * the thin DS wiring that registers it as a {@link org.veilswarm.api.tracker.TrackerStore} with
 * {@code tracker.store=memory}. Nothing here is exported: other bundles use the {@code TrackerStore} service. The
 * journal store (bundles/tracker-store-journal) copies this package into its own bundle as its in-memory view
 * ({@link org.veilswarm.tracker.store.memory.StoreState} is what it writes as a snapshot).
 */
package org.veilswarm.tracker.store.memory;
