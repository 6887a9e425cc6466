package org.veilswarm.node.impl;

import org.osgi.service.log.Logger;

/**
 * Where the node bundle's components log.
 *
 * <p>Choice: the OSGi Log Service 1.4+ {@link Logger}, injected by DS 1.4 (112.3.12 "Logger support":
 * a reference to {@code LoggerFactory} whose field or parameter has type {@code Logger}). In the
 * distribution {@code org.apache.felix.log} provides the {@code LoggerFactory}, so these lines reach the
 * log readers (web console, log files) together with SCR's own messages. slf4j is not used here: in OSGi it
 * needs SPI Fly, and the node bundle must start before everything else. The reference is optional so a
 * container without a log service still runs the node; then this class falls back to
 * {@link System.Logger} (java.util.logging by default), which needs no package at all.
 *
 * <p>The bundle does import {@code org.osgi.service.log} (the injected type is in it): the container needs
 * a bundle exporting that package, the log bundle does.
 */
final class NodeLog {

    private final Logger osgi;
    private final System.Logger fallback;

    NodeLog(Logger osgiLogger, Class<?> component) {
        this.osgi = osgiLogger;
        this.fallback = osgiLogger == null ? System.getLogger(component.getName()) : null;
    }

    /**
     * Lines the operator must see whatever the configured level: the node's address when it starts, a newly
     * created identity, a configuration change. Log Service 1.4 (OSGi Core ch. 101, {@code LogLevel.AUDIT}) logs AUDIT at every level; INFO would be
     * dropped by the default effective level, WARN.
     */
    void audit(String message) {
        if (osgi != null) {
            osgi.audit(message);
        } else {
            fallback.log(System.Logger.Level.INFO, message);
        }
    }

    void info(String message) {
        if (osgi != null) {
            osgi.info(message);
        } else {
            fallback.log(System.Logger.Level.INFO, message);
        }
    }

    void warn(String message) {
        if (osgi != null) {
            osgi.warn(message);
        } else {
            fallback.log(System.Logger.Level.WARNING, message);
        }
    }

    void error(String message, Throwable cause) {
        if (osgi != null) {
            osgi.error(message, cause);
        } else {
            fallback.log(System.Logger.Level.ERROR, message, cause);
        }
    }
}
