package org.veilswarm.console.impl;

import org.osgi.service.log.Logger;

/**
 * Where the console's components log: the OSGi Log Service 1.4 {@link Logger} that DS injects (Compendium R8
 * §112.3.12), so console messages reach the same log readers as the node's and SCR's; without a log service,
 * {@link System.Logger}. The same choice as bundles/node, for the same reason (no SPI Fly needed this early).
 */
final class ConsoleLog {

    private final Logger osgi;
    private final System.Logger fallback;

    ConsoleLog(Logger osgiLogger, Class<?> component) {
        this.osgi = osgiLogger;
        this.fallback = osgiLogger == null ? System.getLogger(component.getName()) : null;
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

    void error(String message) {
        if (osgi != null) {
            osgi.error(message);
        } else {
            fallback.log(System.Logger.Level.ERROR, message);
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
