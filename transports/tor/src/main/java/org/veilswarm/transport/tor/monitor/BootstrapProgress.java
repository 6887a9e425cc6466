package org.veilswarm.transport.tor.monitor;

/**
 * tor's bootstrap progress as in {@code GETINFO status/bootstrap-phase} and BOOTSTRAP status events.
 *
 * @param progress 0-100
 * @param tag tor's phase tag, e.g. {@code conn_done}, {@code done}
 * @param summary tor's human summary
 * @param warning tor's WARNING text when bootstrapping has problems, otherwise empty
 */
public record BootstrapProgress(int progress, String tag, String summary, String warning) {
    public static final BootstrapProgress UNKNOWN = new BootstrapProgress(0, "", "", "");
}
