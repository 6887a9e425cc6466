package org.veilswarm.transport.onion.link;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The TLS cipher suites a link offers, in the order this JVM computes them fastest.
 *
 * <p>HotSpot runs AES-GCM through its AES-NI and carry-less-multiply stubs only in code its C2 compiler made. A JVM
 * without C2 (the small-footprint profile's {@code -XX:TieredStopAtLevel=1}, {@code -XX:CompilationMode=quick-only},
 * {@code -Xint}) computes AES-GCM in plain Java, GHASH bit by bit: 36 MiB/s per core on this project's machine against
 * 157 MiB/s for ChaCha20-Poly1305, and with C2 4,063 against 229 MiB/s ({@code LinkTlsCipherBenchmark};
 * docs/performance.md, "Onion links", session 21). tor-spec leaves the suite to TLS as long as its keys are ephemeral
 * (tor-spec §2, "Connections"), so each node offers the AEAD it computes fastest first, every node offers the same
 * suites so that any two agree on one, and all of them are ECDHE (Netty's default list, which links offered before,
 * also had TLS 1.2 suites with static-RSA key exchange).
 *
 * <p>The JDK's TLS server chooses by its own order. A responder that prefers ChaCha20 therefore gets it whenever the
 * initiator offers it; a responder that prefers AES-GCM lets the initiator's order decide
 * ({@link #responderHonoursInitiator()}), so that an initiator without C2 still gets ChaCha20 from it. The link is
 * ChaCha20-Poly1305 when either end lacks C2, AES-GCM when both have it.
 */
public enum LinkCipherSuites {
    /** For a JVM with C2: AES-GCM first (hardware AES), then ChaCha20-Poly1305. */
    AES_GCM_FIRST(List.of(Aead.AES_128_GCM, Aead.AES_256_GCM, Aead.CHACHA20_POLY1305)),
    /** For a JVM without C2: ChaCha20-Poly1305 first, then AES-GCM. */
    CHACHA20_FIRST(List.of(Aead.CHACHA20_POLY1305, Aead.AES_128_GCM, Aead.AES_256_GCM));

    private static volatile LinkCipherSuites detected;

    private final List<String> suites;

    /**
     * The AEADs in preference order, each as TLS 1.3 names its suite ({@code TLS_} + AEAD) and as TLS 1.2 names its
     * ECDHE suites ({@code TLS_ECDHE_ECDSA_WITH_} / {@code TLS_ECDHE_RSA_WITH_} + AEAD).
     */
    LinkCipherSuites(List<String> aeads) {
        List<String> all = new ArrayList<>();
        for (String prefix : List.of("TLS_", "TLS_ECDHE_ECDSA_WITH_", "TLS_ECDHE_RSA_WITH_")) {
            aeads.forEach(aead -> all.add(prefix + aead));
        }
        this.suites = List.copyOf(all);
    }

    /** TLS 1.3 suites, then TLS 1.2 ones (ECDHE: ours have ECDSA link certificates, other relays RSA), best first. */
    public List<String> suites() {
        return suites;
    }

    /** For the node's log: which AEAD comes first, and why. */
    public String describe() {
        return this == AES_GCM_FIRST
                ? "links offer AES-GCM first (this JVM has the C2 compiler, which runs AES-GCM on AES instructions)"
                : "links offer ChaCha20-Poly1305 first (this JVM runs without the C2 compiler, so its AES-GCM would"
                        + " run in plain Java, several times slower)";
    }

    /** Whether a responder with this order lets the initiator's order choose the suite. */
    public boolean responderHonoursInitiator() {
        return this == AES_GCM_FIRST;
    }

    /** The order for this JVM, read once from its compiler flags. */
    public static LinkCipherSuites forThisJvm() {
        LinkCipherSuites order = detected;
        if (order == null) {
            order = forCompiler(ManagementFactory.getCompilationMXBean() != null, LinkCipherSuites::hotSpotFlag);
            detected = order;
        }
        return order;
    }

    /**
     * The order for a JVM that has a JIT compiler or not ({@code -Xint}) and whose HotSpot flags {@code flag} reads
     * (empty when unknown). C2 is there unless the JIT stops at a C1 tier or runs C1 only.
     */
    static LinkCipherSuites forCompiler(boolean jit, Function<String, Optional<String>> flag) {
        if (!jit) {
            return CHACHA20_FIRST;
        }
        if (flag.apply("CompilationMode").filter("quick-only"::equals).isPresent()) {
            return CHACHA20_FIRST;
        }
        boolean tiered = flag.apply("TieredCompilation").map(Boolean::parseBoolean).orElse(true);
        int stopAt = flag.apply("TieredStopAtLevel").map(LinkCipherSuites::parseLevel).orElse(4);
        return tiered && stopAt < 4 ? CHACHA20_FIRST : AES_GCM_FIRST;
    }

    private static int parseLevel(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 4;
        }
    }

    /** A HotSpot flag's value, or empty on a JVM without HotSpot's diagnostic bean (then C2 is assumed). */
    private static Optional<String> hotSpotFlag(String name) {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotSpot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return hotSpot == null ? Optional.empty() : Optional.of(hotSpot.getVMOption(name).getValue());
        } catch (IllegalArgumentException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** The AEAD part of the suite names (RFC 8446 §B.4; RFC 5289, RFC 7905 for TLS 1.2). */
    private static final class Aead {
        static final String AES_128_GCM = "AES_128_GCM_SHA256";
        static final String AES_256_GCM = "AES_256_GCM_SHA384";
        static final String CHACHA20_POLY1305 = "CHACHA20_POLY1305_SHA256";
    }
}
