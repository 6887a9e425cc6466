package org.veilswarm.swarm.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * The child JVM of {@link EngineKillTest}: downloads a torrent from one peer with a full engine and prints
 * {@code verified <piece>} for each piece as the engine reports it verified, until it is killed.
 *
 * <p>Arguments: torrent file, download dir, state dir, peer host, peer port.
 */
public final class EngineKillHarness {

    private EngineKillHarness() {
    }

    public static void main(String[] args) throws Exception {
        Metainfo metainfo = MetainfoParser.strict().parse(Files.readAllBytes(Path.of(args[0])));
        DirectTransportEngine transport = Loopback.transport();
        SwarmEngine engine = Loopback.engine(transport);
        TorrentSession session = engine.add(metainfo, Path.of(args[1]), Path.of(args[2]), TorrentOptions.defaults());
        session.addListener(new TorrentListener() {
            @Override
            public void pieceVerified(int piece) {
                System.out.println("verified " + piece);
                System.out.flush();
            }
        });
        session.connect(new TransportAddress(args[3], Integer.parseInt(args[4])));
        session.completion().join();
        System.out.println("complete");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // wait for the kill like a running node
    }
}
