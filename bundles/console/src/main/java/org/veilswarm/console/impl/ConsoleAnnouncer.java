package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;
import org.veilswarm.console.impl.files.OwnerOnlyFiles;
import org.veilswarm.console.impl.probe.ConsoleEndpoint;
import org.veilswarm.console.impl.probe.PortProbe;

/**
 * Verifies that the console really answers on its HTTP port and only then writes {@code <data>/console.url}
 * (the link the launcher and the operator use); deletes it when the console stops.
 *
 * <p>Felix HTTP stays ACTIVE when its port is taken and only logs "Failed to bind", so the console would
 * seem fine while another program answers its URL. This component fails loudly instead: an ERROR naming the
 * port and how to change it, and no console.url pointing at the wrong server.
 */
@Component(configurationPid = ConsoleAccess.PID)
public final class ConsoleAnnouncer {

    /** The file holding the management link, in the data directory. */
    public static final String URL_FILE = "console.url";

    private static final Duration PROBE_PAUSE = Duration.ofMillis(250);

    private final ConsoleAccess access;
    private final BundleContext context;
    private final ConsoleLog log;
    private final Path urlFile;
    private final ExecutorService worker = IdleWorkers.named("veilswarm-console-port-check", 1);
    private final AtomicBoolean checkPending = new AtomicBoolean();
    private volatile Object endpointProperty;
    private volatile String written;
    private volatile boolean active;

    @Activate
    public ConsoleAnnouncer(BundleContext context, @Reference ConsoleAccess access,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger logger) {
        this.context = context;
        this.access = access;
        this.log = new ConsoleLog(logger, ConsoleAnnouncer.class);
        this.urlFile = access.dataDirectory().resolve(URL_FILE);
    }

    /**
     * The whiteboard runtime; its {@code osgi.http.endpoint} says where it listens. Optional: when Felix HTTP
     * cannot bind its port it may never register the runtime, and that is exactly when the check must run.
     */
    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, updated = "runtimeUpdated", unbind = "unbindRuntime")
    void bindRuntime(Map<String, Object> runtimeProperties) {
        runtimeUpdated(runtimeProperties);
    }

    /** The whiteboard's endpoint changed (e.g. Felix HTTP reconfigured): check again. */
    void runtimeUpdated(Map<String, Object> runtimeProperties) {
        this.endpointProperty = runtimeProperties.get(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT);
        if (active) {
            scheduleCheck();
        }
    }

    void unbindRuntime(Map<String, Object> runtimeProperties) {
        this.endpointProperty = null;
    }

    @Activate
    void activate() {
        active = true;
        deleteStaleUrlFile();
        scheduleCheck();
    }

    /** At most one check waits behind the running one: a burst of changes costs one more probe, not many. */
    private void scheduleCheck() {
        if (checkPending.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    checkPending.set(false);
                    check();
                });
            } catch (RejectedExecutionException e) {
                checkPending.set(false);
            }
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        active = false;
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
        String mine = written;
        if (mine != null) {
            try {
                if (Files.exists(urlFile) && Files.readString(urlFile, StandardCharsets.US_ASCII).equals(mine)) {
                    Files.delete(urlFile);
                }
            } catch (IOException e) {
                log.warn("could not delete " + urlFile + ": " + e);
            }
        }
    }

    private void check() {
        ConsoleEndpoint configured;
        try {
            configured = ConsoleEndpoint.fromFrameworkProperties(context.getProperty(ConsoleEndpoint.HOST_PROPERTY),
                    context.getProperty(ConsoleEndpoint.PORT_PROPERTY));
        } catch (IllegalArgumentException e) {
            log.error("The console cannot check its port: " + e.getMessage());
            return;
        }
        List<ConsoleEndpoint> published = ConsoleEndpoint.fromEndpointProperty(endpointProperty);
        ConsoleEndpoint endpoint = ConsoleEndpoint.choose(configured, published);
        if (ConsoleEndpoint.exposedBeyondLoopback(configured, published)) {
            log.warn("The console's HTTP server is bound to " + (published.isEmpty() ? configured.host() : published)
                    + ", not only to loopback: other machines can reach it, and whoever learns the management"
                    + " token controls this node. Set the framework property " + ConsoleEndpoint.HOST_PROPERTY
                    + "=127.0.0.1 unless that is intended.");
        }
        ConsoleEndpoint target = endpoint.reachableLocally();
        byte[] nonceBytes = new byte[16];
        new SecureRandom().nextBytes(nonceBytes);
        String nonce = HexFormat.of().formatHex(nonceBytes);
        PortProbe.Result result;
        access.addProbe(nonce);
        try {
            result = PortProbe.probeUntil(target, nonce, Duration.ofSeconds(access.config().portCheckSeconds()),
                    PROBE_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            access.removeProbe(nonce);
        }
        switch (result.outcome()) {
            case OURS -> announce(target);
            case NOT_LISTENING -> fail(target, "is not listening (" + result.detail() + "): the HTTP server"
                    + " could not bind it, probably because another program is using it");
            case FOREIGN -> fail(target, "is answered by another program, not by this console (" + result.detail()
                    + "): probably another program (or another Veilswarm node) is using it");
            default -> throw new IllegalStateException("unknown probe outcome " + result.outcome());
        }
    }

    private void announce(ConsoleEndpoint target) {
        String line = target.managementUrl(access.token().value()) + "\n";
        // The runtime's properties change whenever a servlet registers, so checks repeat: say it once.
        // A probe that finishes after deactivate must not leave a console.url nobody will delete.
        if (!active || Thread.currentThread().isInterrupted()) {
            return;
        }
        boolean news = !line.equals(written);
        // Recorded before the write, so a deactivate racing with it still recognises (and deletes) the file.
        written = line;
        try {
            OwnerOnlyFiles.write(urlFile, line.getBytes(StandardCharsets.US_ASCII));
            if (news) {
                log.info("Console listening on http://" + target.authority() + "/console/; the management link is in "
                        + urlFile);
            }
        } catch (IOException e) {
            log.error("The console is listening on " + target.authority() + " but " + urlFile
                    + " could not be written: " + e, e);
        }
    }

    private void fail(ConsoleEndpoint target, String what) {
        deleteStaleUrlFile();
        log.error("The console port " + target.authority() + " " + what + ". The console is NOT reachable and "
                + urlFile + " was not written. Choose a free port with the framework property "
                + ConsoleEndpoint.PORT_PROPERTY + " (the launcher's console port option) and restart the node.");
    }

    private void deleteStaleUrlFile() {
        try {
            Files.deleteIfExists(urlFile);
        } catch (IOException e) {
            log.warn("could not delete stale " + urlFile + ": " + e);
        }
    }
}
