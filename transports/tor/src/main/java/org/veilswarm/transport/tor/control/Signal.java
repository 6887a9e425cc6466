package org.veilswarm.transport.tor.control;

/** Signals for {@code SIGNAL} (control-spec §3.7). */
public enum Signal {
    /** Reload the configuration (SIGHUP). */
    RELOAD,
    /** Controlled shutdown: a relay waits ShutdownWaitLength, a client exits at once (SIGINT). */
    SHUTDOWN,
    /** Dump statistics to the log (SIGUSR1). */
    DUMP,
    /** Switch all open logs to debug level (SIGUSR2). */
    DEBUG,
    /** Immediate shutdown (SIGTERM). */
    HALT,
    CLEARDNSCACHE,
    /** New circuits for new streams; clears the DNS cache. */
    NEWNYM,
    HEARTBEAT,
    ACTIVE,
    DORMANT
}
