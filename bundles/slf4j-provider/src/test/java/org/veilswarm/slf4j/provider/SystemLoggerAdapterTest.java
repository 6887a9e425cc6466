package org.veilswarm.slf4j.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class SystemLoggerAdapterTest {

    /** A System.Logger that keeps what it is given, at a threshold. */
    private static final class Recording implements System.Logger {
        record Line(Level level, String message, Throwable thrown) {
        }

        final List<Line> lines = new ArrayList<>();
        final Level threshold;

        Recording(Level threshold) {
            this.threshold = threshold;
        }

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(new Line(level, msg, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(new Line(level, format, null));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(new Line(level, msgSupplier.get(), null));
        }
    }

    @Test
    void eachSlf4jLevelMapsToTheSystemLoggerLevelOfTheSameMeaning() {
        Recording target = new Recording(Level.ALL);
        Logger log = new SystemLoggerAdapter("x", target);
        log.error("e");
        log.warn("w");
        log.info("i");
        log.debug("d");
        log.trace("t");
        assertEquals(List.of(Level.ERROR, Level.WARNING, Level.INFO, Level.DEBUG, Level.TRACE),
                target.lines.stream().map(Recording.Line::level).toList());
        assertEquals(List.of("e", "w", "i", "d", "t"), target.lines.stream().map(Recording.Line::message).toList());
    }

    @Test
    void levelsBelowTheTargetsThresholdAreNeitherEnabledNorFormatted() {
        Recording target = new Recording(Level.WARNING);
        Logger log = new SystemLoggerAdapter("x", target);
        Object noisy = new Object() {
            @Override
            public String toString() {
                throw new AssertionError("formatted although the level is off");
            }
        };
        log.info("{}", noisy);
        log.debug("{} {}", noisy, noisy);
        assertFalse(log.isInfoEnabled());
        assertFalse(log.isDebugEnabled());
        assertTrue(log.isWarnEnabled());
        assertTrue(log.isErrorEnabled());
        assertEquals(List.of(), target.lines);
    }

    @Test
    void placeholdersAreFilledAndATrailingThrowableBecomesTheCause() {
        Recording target = new Recording(Level.ALL);
        Logger log = new SystemLoggerAdapter("x", target);
        IllegalStateException cause = new IllegalStateException("bind");
        log.warn("Failed to bind to {}:{}", "127.0.0.1", 8427, cause);
        log.error("no placeholders", cause);
        log.info("{} stays {} without arguments");
        log.info("escaped \\{} and {}", "one");

        assertEquals("Failed to bind to 127.0.0.1:8427", target.lines.get(0).message());
        assertSame(cause, target.lines.get(0).thrown());
        assertEquals("no placeholders", target.lines.get(1).message());
        assertSame(cause, target.lines.get(1).thrown());
        assertEquals("{} stays {} without arguments", target.lines.get(2).message());
        assertNull(target.lines.get(2).thrown());
        assertEquals("escaped {} and one", target.lines.get(3).message());
    }

    @Test
    void theFluentApiReachesTheSameTarget() {
        Recording target = new Recording(Level.ALL);
        Logger log = new SystemLoggerAdapter("x", target);
        log.atWarn().setMessage("pool {} closed").addArgument("HikariPool-1").log();
        assertEquals(List.of(new Recording.Line(Level.WARNING, "pool HikariPool-1 closed", null)), target.lines);
    }

    @Test
    void theFactoryGivesOneLoggerPerNameNamedAfterIt() {
        SystemLoggerFactory factory = new SystemLoggerFactory();
        Logger a = factory.getLogger("org.eclipse.jetty.server.Server");
        assertSame(a, factory.getLogger("org.eclipse.jetty.server.Server"));
        assertEquals("org.eclipse.jetty.server.Server", a.getName());
    }

    @Test
    void theProviderIsFoundByServiceLoaderAndServesAfterInitialize() {
        org.slf4j.spi.SLF4JServiceProvider provider = java.util.ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class)
                .findFirst().orElseThrow();
        assertEquals(SystemLoggerServiceProvider.class, provider.getClass());
        provider.initialize();
        assertTrue(provider.getLoggerFactory() instanceof SystemLoggerFactory);
        assertTrue(provider.getRequestedApiVersion().startsWith("2.0."));
        provider.getMDCAdapter().put("k", "v");
        assertEquals("v", provider.getMDCAdapter().get("k"));
        provider.getMDCAdapter().clear();
        assertEquals("m", provider.getMarkerFactory().getMarker("m").getName());
    }
}
