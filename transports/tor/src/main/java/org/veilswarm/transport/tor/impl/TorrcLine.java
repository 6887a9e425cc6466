package org.veilswarm.transport.tor.impl;

/**
 * One {@code Key value} line of a torrc as an operator writes it in configuration. Only one line each:
 * a line break would let one value smuggle in further options (tor-manual, "THE CONFIGURATION FILE FORMAT").
 */
record TorrcLine(String key, String value) {
    static TorrcLine parse(String line) {
        String trimmed = line.strip();
        int space = trimmed.indexOf(' ');
        if (trimmed.isEmpty() || space <= 0 || trimmed.indexOf('\n') >= 0 || trimmed.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a torrc line is 'Key value' on one line, got: " + line);
        }
        String key = trimmed.substring(0, space);
        if (!key.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("invalid torrc option name in: " + line);
        }
        return new TorrcLine(key, trimmed.substring(space + 1).strip());
    }
}
