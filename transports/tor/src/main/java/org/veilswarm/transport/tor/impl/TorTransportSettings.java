package org.veilswarm.transport.tor.impl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the tor transport finds its tor and what it asks of it. Validated on construction, so a bad
 * configuration fails activation with a message naming the value.
 *
 * @param mode launch and own a tor, or attach to a running one's control port
 * @param torExecutable OWNED: the tor binary; empty: PATH, then /usr/sbin/tor
 * @param dataDirectory OWNED: tor's DataDirectory (the torrc is written there); conventionally {@code <data>/tor}
 * @param controlHost ATTACH: control port host (should be loopback: the control protocol is not encrypted)
 * @param controlPort ATTACH: control port
 * @param controlPassword ATTACH: password for HASHEDPASSWORD; empty when tor uses (SAFE)COOKIE or nothing
 * @param socksPort OWNED: the SocksPort to open on 127.0.0.1, 0 for one tor picks; ATTACH: the SocksPort to use,
 *        0 to ask tor ({@code GETINFO net/listeners/socks})
 * @param relay OWNED: run as a non-exit middle relay
 * @param orPort OWNED with relay: ORPort, 0 for {@code auto}
 * @param bandwidthRate OWNED: BandwidthRate in bytes/s, 0 for tor's default
 * @param bandwidthBurst OWNED: BandwidthBurst in bytes/s, 0 for tor's default
 * @param extraTorrcLines OWNED: further {@code Key value} lines, e.g. DirAuthority and TestingTorNetwork for a private network
 * @param controlTimeout longest wait for one control-port answer
 * @param startTimeout OWNED: longest wait for tor to open its control port
 * @param bootstrapTimeout longest wait for 100 % bootstrap
 * @param connectTimeout longest wait for one SOCKS connect (descriptor fetch, intro and rendezvous included)
 * @param counterEpoch length of a relay-counter epoch
 */
public record TorTransportSettings(Mode mode, Optional<Path> torExecutable, Path dataDirectory, String controlHost,
        int controlPort, String controlPassword, int socksPort, boolean relay, int orPort, long bandwidthRate,
        long bandwidthBurst, List<String> extraTorrcLines, Duration controlTimeout, Duration startTimeout,
        Duration bootstrapTimeout, Duration connectTimeout, Duration counterEpoch) {

    /** Launch our own tor, or use one somebody else runs. */
    public enum Mode { OWNED, ATTACH }

    public TorTransportSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(torExecutable, "torExecutable");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(controlHost, "controlHost");
        Objects.requireNonNull(controlPassword, "controlPassword");
        extraTorrcLines = List.copyOf(extraTorrcLines);
        if (mode == Mode.ATTACH && (controlPort < 1 || controlPort > 65535)) {
            throw new IllegalArgumentException("attach mode needs controlPort 1-65535, got " + controlPort);
        }
        requirePort(socksPort, "socksPort");
        requirePort(orPort, "orPort");
        if (bandwidthRate < 0 || bandwidthBurst < 0) {
            throw new IllegalArgumentException("bandwidthRate and bandwidthBurst must be >= 0 (0 = tor's default)");
        }
        if (bandwidthRate > 0 && bandwidthBurst > 0 && bandwidthBurst < bandwidthRate) {
            throw new IllegalArgumentException("bandwidthBurst (" + bandwidthBurst + ") < bandwidthRate (" + bandwidthRate
                    + "): tor refuses that");
        }
        for (String line : extraTorrcLines) {
            TorrcLine.parse(line); // throws naming the line
        }
        for (Duration d : List.of(controlTimeout, startTimeout, bootstrapTimeout, connectTimeout, counterEpoch)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and the counter epoch must be positive, got " + d);
            }
        }
    }

    private static void requirePort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0-65535, got " + port);
        }
    }

    /** An owned client-only tor in {@code dataDirectory} with the defaults. */
    public static TorTransportSettings owned(Path dataDirectory) {
        return new TorTransportSettings(Mode.OWNED, Optional.empty(), dataDirectory, "127.0.0.1", 0, "", 0, false, 0, 0,
                0, List.of(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(3), Duration.ofMinutes(2),
                Duration.ofHours(1));
    }

    /** Attach to the control port of a running tor, with the defaults. */
    public static TorTransportSettings attach(String host, int controlPort, String password) {
        return new TorTransportSettings(Mode.ATTACH, Optional.empty(), Path.of("."), host, controlPort, password, 0, false,
                0, 0, 0, List.of(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(3),
                Duration.ofMinutes(2), Duration.ofHours(1));
    }

    public TorTransportSettings withExecutable(Path executable) {
        return new TorTransportSettings(mode, Optional.of(executable), dataDirectory, controlHost, controlPort,
                controlPassword, socksPort, relay, orPort, bandwidthRate, bandwidthBurst, extraTorrcLines, controlTimeout,
                startTimeout, bootstrapTimeout, connectTimeout, counterEpoch);
    }

    public TorTransportSettings withExtraTorrcLines(List<String> lines) {
        return new TorTransportSettings(mode, torExecutable, dataDirectory, controlHost, controlPort, controlPassword,
                socksPort, relay, orPort, bandwidthRate, bandwidthBurst, lines, controlTimeout, startTimeout,
                bootstrapTimeout, connectTimeout, counterEpoch);
    }

    public TorTransportSettings withRelay(int orPort, long bandwidthRate, long bandwidthBurst) {
        return new TorTransportSettings(mode, torExecutable, dataDirectory, controlHost, controlPort, controlPassword,
                socksPort, true, orPort, bandwidthRate, bandwidthBurst, extraTorrcLines, controlTimeout, startTimeout,
                bootstrapTimeout, connectTimeout, counterEpoch);
    }

    public TorTransportSettings withTimeouts(Duration control, Duration start, Duration bootstrap, Duration connect) {
        return new TorTransportSettings(mode, torExecutable, dataDirectory, controlHost, controlPort, controlPassword,
                socksPort, relay, orPort, bandwidthRate, bandwidthBurst, extraTorrcLines, control, start, bootstrap,
                connect, counterEpoch);
    }
}
