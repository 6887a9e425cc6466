package org.veilswarm.transport.tor.impl;

import java.util.ArrayList;
import java.util.List;

/** The torrc options of an owned tor, from the transport settings (tor-manual option names). */
final class Torrc {
    private Torrc() {
    }

    static List<TorrcLine> options(TorTransportSettings settings) {
        List<TorrcLine> lines = new ArrayList<>();
        // ExtendedErrors: tor reports why an onion service was unreachable (proposal 304, SOCKS 0xF0-0xF7).
        String socks = "127.0.0.1:" + (settings.socksPort() == 0 ? "auto" : Integer.toString(settings.socksPort()));
        lines.add(new TorrcLine("SocksPort", socks + " ExtendedErrors"));
        if (settings.relay()) {
            lines.add(new TorrcLine("ORPort", settings.orPort() == 0 ? "auto" : Integer.toString(settings.orPort())));
            // A middle relay only: no traffic leaves the tor network from this node (DESIGN.md §4).
            lines.add(new TorrcLine("ExitRelay", "0"));
            lines.add(new TorrcLine("ExitPolicy", "reject *:*"));
        }
        if (settings.bandwidthRate() > 0) {
            lines.add(new TorrcLine("BandwidthRate", settings.bandwidthRate() + " bytes"));
        }
        if (settings.bandwidthBurst() > 0) {
            lines.add(new TorrcLine("BandwidthBurst", settings.bandwidthBurst() + " bytes"));
        }
        settings.extraTorrcLines().forEach(line -> lines.add(TorrcLine.parse(line)));
        return lines;
    }
}
