package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.transport.onion.link.LinkCipherSuites.AES_GCM_FIRST;
import static org.veilswarm.transport.onion.link.LinkCipherSuites.CHACHA20_FIRST;

import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.link.LoopbackLinks.Recorder;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** Which TLS suite a link runs, by the JIT of each end, over real TLS on 127.0.0.1. */
@ExtendWith(LeakCheck.class)
class LinkCipherSuitesTest {

    @ParameterizedTest(name = "responder {0}, initiator {1} -> {2}")
    @CsvSource({
            "AES_GCM_FIRST,  AES_GCM_FIRST,  TLS_AES_128_GCM_SHA256",
            "AES_GCM_FIRST,  CHACHA20_FIRST, TLS_CHACHA20_POLY1305_SHA256",
            "CHACHA20_FIRST, AES_GCM_FIRST,  TLS_CHACHA20_POLY1305_SHA256",
            "CHACHA20_FIRST, CHACHA20_FIRST, TLS_CHACHA20_POLY1305_SHA256"})
    void aLinkRunsChaCha20WhenEitherEndLacksC2AndAesGcmWhenBothHaveIt(LinkCipherSuites responder,
            LinkCipherSuites initiator, String expected) throws Exception {
        LinkSettings responderSettings = LinkSettings.defaults().withCipherSuites(responder);
        LinkSettings initiatorSettings = LinkSettings.defaults().withCipherSuites(initiator);
        try (LoopbackLinks loopback = new LoopbackLinks(RelayLinkKeys.generate(Ed25519.generateKeyPair()),
                responderSettings)) {
            Future<Link> connecting = loopback.connect(loopback.responderKeys.identityKey(),
                    RelayLinkKeys.generate(Ed25519.generateKeyPair()), initiatorSettings, new Recorder());
            assertTrue(connecting.await(10, TimeUnit.SECONDS), "handshake did not finish within 10 s");
            assertTrue(connecting.isSuccess(), () -> "handshake failed: " + connecting.cause());
            Link out = connecting.getNow();
            Link in = loopback.responder.nextLink();
            assertEquals(expected, suiteOf(out), "the initiator's side");
            assertEquals(expected, suiteOf(in), "the responder's side");
            out.channel().close().syncUninterruptibly();
        }
    }

    private static String suiteOf(Link link) {
        return link.channel().pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
    }

    @Test
    void bothOrdersOfferTheSameSuitesSoAnyTwoNodesAgree() {
        assertEquals(AES_GCM_FIRST.suites().stream().sorted().toList(),
                CHACHA20_FIRST.suites().stream().sorted().toList());
        assertEquals("TLS_AES_128_GCM_SHA256", AES_GCM_FIRST.suites().get(0));
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", CHACHA20_FIRST.suites().get(0));
    }

    @ParameterizedTest(name = "jit {0}, CompilationMode {1}, TieredCompilation {2}, TieredStopAtLevel {3} -> {4}")
    @CsvSource({
            "true,  default,    true,  4, AES_GCM_FIRST",
            "true,  default,    true,  1, CHACHA20_FIRST",
            "true,  default,    true,  3, CHACHA20_FIRST",
            "true,  quick-only, true,  4, CHACHA20_FIRST",
            "true,  high-only,  true,  4, AES_GCM_FIRST",
            "true,  default,    false, 1, AES_GCM_FIRST",
            "false, default,    true,  4, CHACHA20_FIRST"})
    void theOrderFollowsWhetherTheJitHasC2(boolean jit, String mode, String tiered, String stopAt,
            LinkCipherSuites expected) {
        Map<String, String> flags = Map.of("CompilationMode", mode, "TieredCompilation", tiered,
                "TieredStopAtLevel", stopAt);
        assertEquals(expected, LinkCipherSuites.forCompiler(jit, name -> Optional.ofNullable(flags.get(name))));
    }

    @Test
    void withoutHotSpotFlagsC2IsAssumed() {
        assertEquals(AES_GCM_FIRST, LinkCipherSuites.forCompiler(true, name -> Optional.empty()));
    }

    /** The detection itself, in JVMs started with the small-footprint profile's JIT flag and without it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"-XX:TieredStopAtLevel=1, CHACHA20_FIRST", "-XX:TieredStopAtLevel=4, AES_GCM_FIRST",
            "-XX:CompilationMode=quick-only, CHACHA20_FIRST", "-Xint, CHACHA20_FIRST"})
    void aJvmStartedWithAJitFlagDetectsItsOwnOrder(String flag, String expected) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), flag, "-cp", System.getProperty("java.class.path"), PrintOrder.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish within 60 s");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), output);
        assertEquals(expected, output.lines().reduce((a, b) -> b).orElse(""), "child JVM with " + flag
                + " (class path " + System.getProperty("java.class.path").split(File.pathSeparator).length
                + " entries)");
        assertTrue(output.contains(expected.equals("CHACHA20_FIRST") ? "links offer ChaCha20-Poly1305 first"
                : "links offer AES-GCM first"), "what the node logs: " + output);
    }

    /** Run in a child JVM: prints the order it detects. */
    static final class PrintOrder {
        public static void main(String[] args) {
            System.out.println(LinkCipherSuites.forThisJvm().describe());
            System.out.println(LinkCipherSuites.forThisJvm());
        }
    }
}
