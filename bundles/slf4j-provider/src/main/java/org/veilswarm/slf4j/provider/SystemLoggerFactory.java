package org.veilswarm.slf4j.provider;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link SystemLoggerAdapter} per logger name, as slf4j expects of a factory (the same name, the same logger). */
final class SystemLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new SystemLoggerAdapter(n, System.getLogger(n)));
    }
}
