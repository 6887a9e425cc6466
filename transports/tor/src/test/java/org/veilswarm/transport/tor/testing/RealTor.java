package org.veilswarm.transport.tor.testing;

import java.nio.file.Path;
import org.veilswarm.transport.tor.process.TorProcess;

/** Finds the C tor the real-tor tests drive; they fail (never skip) when it is missing. */
public final class RealTor {
    private RealTor() {
    }

    public static Path executable() {
        return TorProcess.findExecutable().orElseThrow(() -> new AssertionError(
                "tor not found: install tor (apt-get install -y tor; scripts/test.sh does this)"));
    }

    /**
     * A tor that never touches the internet: DisableNetwork 1 means no connections but the control
     * port's, which is on 127.0.0.1; no SOCKS listener.
     */
    public static TorProcess.Builder offline(Path dataDirectory) {
        return TorProcess.builder(dataDirectory).executable(executable())
                .option("DisableNetwork", "1")
                .option("SocksPort", "0")
                .option("AvoidDiskWrites", "1");
    }
}
