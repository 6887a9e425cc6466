package org.veilswarm.api.tracker;

/** Whether a share's tracker is served under {@code /private/<token>/} (the default) or {@code /public/<token>/}. */
public enum Visibility {
    PRIVATE, PUBLIC
}
