package org.veilswarm.transport.onion.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.veilswarm.crypto.AesCtr;
import org.veilswarm.transport.onion.cell.CellFormat;
import org.veilswarm.transport.onion.crypto.CircuitKeys;
import org.veilswarm.transport.onion.crypto.OriginCircuitCrypto;
import org.veilswarm.transport.onion.crypto.RelayCircuitCrypto;

/**
 * One hop of tor1 relay crypto on a 509-byte cell payload, against raw AES-128-CTR over 509-byte
 * blocks in the same run (docs/performance.md, "Relay crypto (onion)"):
 * <ul>
 * <li>{@code rawAesCtr}: the baseline, {@link AesCtr} over a 509-byte array.</li>
 * <li>{@code originateCell}: a hop sending its own cell: SHA-1 running digest over the payload, digest
 *     field, AES-128-CTR (tor-spec §6.1, §5.5.3.1).</li>
 * <li>{@code recognizeCell}: the client sealing a cell for hop 1 and the hop decrypting and
 *     recognizing it (two AES passes, two digest updates: compare with twice the baseline).</li>
 * <li>{@code forwardCell}: a middle relay passing a cell on: AES plus the 'Recognized' check, no digest
 *     (the common case at a relay).</li>
 * <li>{@code endToEndCell}: the end-to-end layer of a joined rendezvous circuit (rend-spec-v3 §3.3.1), one
 *     end sealing and encrypting a cell, the other decrypting and recognizing it: AES-256-CTR and a SHA3-256
 *     running digest at each end (compare with twice the baseline, and see its allocation with
 *     {@code -prof gc}).</li>
 * </ul>
 * Run: {@code mvn -B -pl transports/onion -Pbench verify -DskipTests}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RelayCryptoBenchmark {
    @Param({"heap", "direct"})
    public String buffer;

    private AesCtr raw;
    private byte[] rawBlock;
    private ByteBuf payload;
    private RelayCircuitCrypto hop;
    private OriginCircuitCrypto origin;
    private RelayCircuitCrypto recognizingHop;
    private OriginCircuitCrypto client;
    private OriginCircuitCrypto service;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        byte[] material = new byte[CircuitKeys.MATERIAL_LEN];
        random.nextBytes(material);
        raw = AesCtr.aes128(new byte[16]);
        rawBlock = new byte[CellFormat.PAYLOAD_LEN];
        random.nextBytes(rawBlock);
        payload = "direct".equals(buffer)
                ? PooledByteBufAllocator.DEFAULT.directBuffer(CellFormat.PAYLOAD_LEN)
                : PooledByteBufAllocator.DEFAULT.heapBuffer(CellFormat.PAYLOAD_LEN);
        payload.writeBytes(rawBlock);
        hop = new RelayCircuitCrypto(CircuitKeys.fromKeyMaterial(material));
        origin = new OriginCircuitCrypto(1);
        origin.addHop(CircuitKeys.fromKeyMaterial(material));
        recognizingHop = new RelayCircuitCrypto(CircuitKeys.fromKeyMaterial(material));
        byte[] toService = new byte[32];
        byte[] toClient = new byte[32];
        byte[] toServiceSeed = new byte[32];
        byte[] toClientSeed = new byte[32];
        random.nextBytes(toService);
        random.nextBytes(toClient);
        random.nextBytes(toServiceSeed);
        random.nextBytes(toClientSeed);
        client = new OriginCircuitCrypto(2);
        client.addEndToEndHop(toService, toServiceSeed, toClient, toClientSeed);
        service = new OriginCircuitCrypto(3);
        service.addEndToEndHop(toClient, toClientSeed, toService, toServiceSeed);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
    }

    @Benchmark
    public byte[] rawAesCtr() {
        raw.process(rawBlock, 0, CellFormat.PAYLOAD_LEN);
        return rawBlock;
    }

    @Benchmark
    public ByteBuf originateCell() {
        hop.originateBackward(payload);
        return payload;
    }

    @Benchmark
    public boolean recognizeCell() {
        // A plaintext with Recognized = 0, as the relay payload codec writes it.
        payload.setShort(CellFormat.RELAY_RECOGNIZED_OFFSET, 0);
        origin.encrypt(payload, 0);
        boolean recognized = recognizingHop.decryptForward(payload);
        if (!recognized) {
            throw new IllegalStateException("the hop must recognize the client's cell");
        }
        return recognized;
    }

    @Benchmark
    public int endToEndCell() throws Exception {
        payload.setShort(CellFormat.RELAY_RECOGNIZED_OFFSET, 0);
        client.encrypt(payload, 0);
        int hop = service.decrypt(payload);
        if (hop != 0) {
            throw new IllegalStateException("the service must recognize the client's cell");
        }
        return hop;
    }

    @Benchmark
    public boolean forwardCell() {
        // Ciphertext keeps its 'Recognized' field nonzero (but for 1 in 65536): no digest work.
        return hop.decryptForward(payload);
    }
}
