package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.console.impl.auth.Authenticator;
import org.veilswarm.console.impl.auth.ManagementToken;
import org.veilswarm.console.impl.auth.SessionStore;

/**
 * The console's access state, shared by its servlets, its whiteboard preprocessor and the web console's
 * security provider: the management token, the browser sessions, the settings, and the nonces of port
 * probes in flight. Registered as a service private to this bundle so that every HTTP entry point checks
 * credentials against the same sessions.
 */
@Component(service = ConsoleAccess.class, configurationPid = ConsoleAccess.PID)
@Designate(ocd = ConsoleAccess.Config.class)
public final class ConsoleAccess {

    /** The console's configuration PID. */
    public static final String PID = "org.veilswarm.console";

    @ObjectClassDefinition(name = "Veilswarm console",
            description = "The web console and REST API at /management/<token>, /console/ and /api/.")
    public @interface Config {

        @AttributeDefinition(name = "Session idle timeout (minutes)", min = "1",
                description = "A browser session unused this long must sign in again with the management link.")
        int sessionIdleMinutes() default 30;

        @AttributeDefinition(name = "Maximum sessions", min = "1",
                description = "Beyond this many sessions the least recently used one is ended.")
        int maxSessions() default 64;

        @AttributeDefinition(name = "Maximum upload (MiB)", min = "1",
                description = "Largest bundle accepted by upload or URL; larger ones get 413.")
        int maxUploadMegabytes() default 64;

        @AttributeDefinition(name = "Download timeout (seconds)", min = "1",
                description = "Time allowed to fetch a bundle given by http(s) URL.")
        int downloadTimeoutSeconds() default 60;

        @AttributeDefinition(name = "Port check patience (seconds)", min = "1",
                description = "How long to wait for the console to answer on its port before reporting it"
                        + " as not listening.")
        int portCheckSeconds() default 10;
    }

    private final Config config;
    private final Path dataDirectory;
    private final ManagementToken token;
    private final Authenticator authenticator;
    private final RequestGuard guard;
    private final Set<String> probeNonces = ConcurrentHashMap.newKeySet();

    @Activate
    public ConsoleAccess(BundleContext context, Config config,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger logger)
            throws IOException {
        ConsoleLog log = new ConsoleLog(logger, ConsoleAccess.class);
        this.config = config;
        this.dataDirectory = dataDirectory(context);
        SecureRandom random = new SecureRandom();
        try {
            this.token = ManagementToken.loadOrCreate(dataDirectory, random);
        } catch (IOException e) {
            log.error("The console is disabled: " + e.getMessage());
            throw e;
        }
        SessionStore sessions = new SessionStore(Clock.systemUTC(), Duration.ofMinutes(config.sessionIdleMinutes()),
                config.maxSessions(), random);
        this.authenticator = new Authenticator(token, sessions);
        this.guard = new RequestGuard(authenticator);
    }

    /** The data directory: framework property {@value NodeInfo#DATA_DIRECTORY_PROPERTY}, else ~/.veilswarm. */
    static Path dataDirectory(BundleContext context) {
        String configured = context.getProperty(NodeInfo.DATA_DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".veilswarm").toAbsolutePath();
    }

    public Config config() {
        return config;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public ManagementToken token() {
        return token;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public RequestGuard guard() {
        return guard;
    }

    public long maxUploadBytes() {
        return config.maxUploadMegabytes() * 1024L * 1024L;
    }

    void addProbe(String nonce) {
        probeNonces.add(nonce);
    }

    void removeProbe(String nonce) {
        probeNonces.remove(nonce);
    }

    boolean isProbe(String nonce) {
        return probeNonces.contains(nonce);
    }
}
