package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration to settings to torrc lines; bad values fail activation naming the value. */
class TorTransportSettingsTest {
    private static final Path DATA = Path.of("/tmp/veilswarm-test/tor");

    @Test
    void defaultsLaunchAClientWithExtendedSocksErrorsOnLoopback() {
        TorTransportSettings settings = TorTransportComponent.settingsOf(config("owned", false, new String[0]), DATA);
        assertEquals(TorTransportSettings.Mode.OWNED, settings.mode());
        assertEquals(List.of(new TorrcLine("SocksPort", "127.0.0.1:auto ExtendedErrors")), Torrc.options(settings));
    }

    @Test
    void aRelayIsANonExitMiddleRelayWithItsBandwidthAndExtraLinesLast() {
        TorTransportSettings settings = TorTransportSettings.owned(DATA).withRelay(9001, 1_000_000, 2_000_000)
                .withExtraTorrcLines(List.of("TestingTorNetwork 1", "  DirAuthority a orport=1 no-v2 v3ident=AB 127.0.0.1:2 CD  "));
        assertEquals(List.of(new TorrcLine("SocksPort", "127.0.0.1:auto ExtendedErrors"), new TorrcLine("ORPort", "9001"),
                new TorrcLine("ExitRelay", "0"), new TorrcLine("ExitPolicy", "reject *:*"),
                new TorrcLine("BandwidthRate", "1000000 bytes"), new TorrcLine("BandwidthBurst", "2000000 bytes"),
                new TorrcLine("TestingTorNetwork", "1"), new TorrcLine("DirAuthority", "a orport=1 no-v2 v3ident=AB 127.0.0.1:2 CD")),
                Torrc.options(settings));
    }

    @Test
    void badValuesAreRefusedNamingThem() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> TorTransportComponent.settingsOf(config("daemon", false, new String[0]), DATA));
        assertTrue(mode.getMessage().contains("daemon"));
        IllegalArgumentException smuggled = assertThrows(IllegalArgumentException.class,
                () -> TorTransportComponent.settingsOf(config("owned", false, new String[] {"Nickname x\nControlPort 9999"}), DATA));
        assertTrue(smuggled.getMessage().contains("one line"), smuggled.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TorTransportComponent.settingsOf(config("owned", false, new String[] {"JustAKey"}), DATA));
        assertThrows(IllegalArgumentException.class, () -> TorTransportSettings.owned(DATA).withRelay(0, 2_000, 1_000));
        assertThrows(IllegalArgumentException.class, () -> TorTransportSettings.attach("127.0.0.1", 0, ""));
    }

    private static TorTransportComponent.Config config(String mode, boolean relay, String[] extra) {
        return new TorTransportComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TorTransportComponent.Config.class;
            }

            @Override
            public String mode() {
                return mode;
            }

            @Override
            public String torExecutable() {
                return "";
            }

            @Override
            public String controlHost() {
                return "127.0.0.1";
            }

            @Override
            public int controlPort() {
                return 9051;
            }

            @Override
            public String controlPassword() {
                return "";
            }

            @Override
            public int socksPort() {
                return 0;
            }

            @Override
            public boolean relay() {
                return relay;
            }

            @Override
            public int orPort() {
                return 0;
            }

            @Override
            public long bandwidthRate() {
                return 0;
            }

            @Override
            public long bandwidthBurst() {
                return 0;
            }

            @Override
            public String[] extraTorrcLines() {
                return extra;
            }

            @Override
            public int bootstrapTimeoutSeconds() {
                return 180;
            }

            @Override
            public int connectTimeoutSeconds() {
                return 120;
            }

            @Override
            public int counterEpochMinutes() {
                return 60;
            }
        };
    }
}
