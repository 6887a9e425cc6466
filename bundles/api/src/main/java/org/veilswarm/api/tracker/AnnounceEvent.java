package org.veilswarm.api.tracker;

/** The {@code event} parameter of an announce (BEP 3); {@link #NONE} for periodic announces. */
public enum AnnounceEvent {
    NONE, STARTED, COMPLETED, STOPPED
}
