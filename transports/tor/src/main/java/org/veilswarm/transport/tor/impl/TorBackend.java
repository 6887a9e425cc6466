package org.veilswarm.transport.tor.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.veilswarm.transport.tor.control.TorControlClient;
import org.veilswarm.transport.tor.control.TorControlException;
import org.veilswarm.transport.tor.process.TorProcess;

/**
 * The tor the transport talks to: one it launched and owns ({@link #launch}), stopped by {@link #close()},
 * or one somebody else runs ({@link #attach}), of which {@link #close()} only drops the control connection
 * (and with it every onion service this connection added, control-spec §3.27 without Flags=Detach).
 */
final class TorBackend implements AutoCloseable {
    private final TorControlClient control;
    private final Optional<TorProcess> process;

    private TorBackend(TorControlClient control, Optional<TorProcess> process) {
        this.control = control;
        this.process = process;
    }

    /** Writes the torrc into {@code settings.dataDirectory()} and starts tor; fails naming what is wrong. */
    static TorBackend launch(TorTransportSettings settings) throws IOException {
        Optional<Path> configured = settings.torExecutable();
        if (configured.isPresent() && !Files.isExecutable(configured.get())) {
            throw new IOException("tor executable not found or not executable: " + configured.get()
                    + " (install tor, e.g. apt-get install -y tor, or fix torExecutable)");
        }
        TorProcess.Builder builder = TorProcess.builder(settings.dataDirectory()).startTimeout(settings.startTimeout());
        configured.ifPresent(builder::executable);
        Torrc.options(settings).forEach(line -> builder.option(line.key(), line.value()));
        TorProcess tor = builder.start();
        return new TorBackend(tor.control(), Optional.of(tor));
    }

    /** Connects to a running tor's control port and authenticates (SAFECOOKIE, COOKIE, password or NULL). */
    static TorBackend attach(TorTransportSettings settings) throws TorControlException {
        TorControlClient control = TorControlClient.connect(new InetSocketAddress(settings.controlHost(), settings.controlPort()),
                TorControlClient.Options.DEFAULT.withCommandTimeout(settings.controlTimeout()));
        try {
            control.authenticate(settings.controlPassword().isEmpty() ? null : settings.controlPassword());
            return new TorBackend(control, Optional.empty());
        } catch (TorControlException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    TorControlClient control() {
        return control;
    }

    Optional<TorProcess> process() {
        return process;
    }

    /**
     * The SOCKS listener to use: the configured port, else the first one tor reports in
     * {@code GETINFO net/listeners/socks} (control-spec §3.9: a list of quoted "addr:port").
     */
    InetSocketAddress socksAddress(String host, int configuredPort) throws TorControlException {
        if (configuredPort > 0) {
            return new InetSocketAddress(host, configuredPort);
        }
        String listeners = control.getInfo("net/listeners/socks").trim();
        for (String quoted : listeners.split(" ")) {
            String value = quoted.replace("\"", "");
            int colon = value.lastIndexOf(':');
            if (colon > 0 && !value.startsWith("unix:")) {
                String listenerHost = value.substring(0, colon).replace("[", "").replace("]", "");
                try {
                    return new InetSocketAddress(listenerHost, Integer.parseInt(value.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    throw new TorControlException("unexpected net/listeners/socks entry: " + value);
                }
            }
        }
        throw new TorControlException("tor has no TCP SocksPort (net/listeners/socks = \"" + listeners
                + "\"); configure one or set socksPort");
    }

    /** Owned: SIGNAL SHUTDOWN and wait (then kill). Attached: close the control connection. */
    @Override
    public void close() {
        if (process.isPresent()) {
            process.get().stop();
        } else {
            control.close();
        }
    }
}
