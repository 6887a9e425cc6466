package org.veilswarm.slf4j.provider;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j 2 provider of a node: loggers that write to {@link System.Logger}, the API the node's own bundles log
 * with, so a line from Jetty, HikariCP or Netty is formatted, filtered by level and written where the node's are
 * (java.util.logging by default; the launcher configures it). slf4j finds this class through
 * {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider} and calls {@link #initialize()} once.
 */
public final class SystemLoggerServiceProvider implements SLF4JServiceProvider {
    /** The slf4j API version this provider is written against (slf4j compares major and minor only). */
    static final String REQUESTED_API_VERSION = "2.0.99";

    private volatile ILoggerFactory loggerFactory;
    private volatile IMarkerFactory markerFactory;
    private volatile MDCAdapter mdcAdapter;

    @Override
    public void initialize() {
        loggerFactory = new SystemLoggerFactory();
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }
}
