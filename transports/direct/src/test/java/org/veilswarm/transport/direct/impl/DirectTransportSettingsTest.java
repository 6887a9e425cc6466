package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class DirectTransportSettingsTest {

    @Test
    void defaultsBindLoopbackOnly() {
        DirectTransportSettings s = DirectTransportSettings.defaults();

        assertEquals("127.0.0.1", s.bindAddress().getHostAddress());
        assertEquals("127.0.0.1", s.reportedHost());
        assertEquals(2, s.workerThreads());
        assertEquals(10_000, s.connectTimeoutMillis());
        assertEquals(1024, s.maxConnections());
        assertTrue(s.allowedSources().blocks().isEmpty());
        assertFalse(s.bindsWildcard());
    }

    @Test
    void acceptsIpv6AndWildcardBindAddresses() {
        assertEquals("::1", DirectTransportSettings.builder().bindAddress("[::1]").build().reportedHost());
        DirectTransportSettings wildcard = DirectTransportSettings.builder().bindAddress("0.0.0.0")
                .advertisedHost("nas.lan").build();
        assertTrue(wildcard.bindsWildcard());
        assertEquals("nas.lan", wildcard.reportedHost());
    }

    @Test
    void refusesHostNamesAsBindAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DirectTransportSettings.builder().bindAddress("localhost"));
        assertTrue(e.getMessage().startsWith("bindAddress"), e.getMessage());
        assertTrue(e.getMessage().contains("'localhost'"), e.getMessage());
    }

    @Test
    void refusesOnionAndMalformedAdvertisedHosts() {
        byte[] key = new byte[32];
        String onion = org.veilswarm.api.node.OnionAddress.fromPublicKey(key).hostName();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DirectTransportSettings.builder().advertisedHost(onion)).getMessage().contains("onion"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DirectTransportSettings.builder().advertisedHost("a b")).getMessage()
                .startsWith("advertisedHost"));
    }

    @Test
    void namesTheKeyOfAValueOutOfRange() {
        assertMessage("workerThreads must be 1-256, got 0", () -> DirectTransportSettings.builder().workerThreads(0).build());
        assertMessage("connectTimeoutMillis must be 1-600000, got 0",
                () -> DirectTransportSettings.builder().connectTimeoutMillis(0).build());
        assertMessage("maxConnections must be 1-1000000, got -1",
                () -> DirectTransportSettings.builder().maxConnections(-1).build());
        assertMessage("acceptBacklog must be 1-65535, got 70000",
                () -> DirectTransportSettings.builder().acceptBacklog(70_000).build());
    }

    @Test
    void matchesSourcesByCidrBlock() throws UnknownHostException {
        SourceFilter filter = SourceFilter.parse(List.of("192.168.1.0/24", " 10.1.2.3 ", "fd00::/8", ""));

        assertEquals(List.of("192.168.1.0/24", "10.1.2.3", "fd00::/8"), filter.blocks());
        assertTrue(filter.allows(at(192, 168, 1, 77)));
        assertFalse(filter.allows(at(192, 168, 2, 1)));
        assertTrue(filter.allows(at(10, 1, 2, 3)));
        assertFalse(filter.allows(at(10, 1, 2, 4)));
        assertTrue(filter.allows(at6(0xfd, 0x12)));
        assertFalse(filter.allows(at6(0xfe, 0x80)));
        assertTrue(SourceFilter.parse(List.of("", " ")).allows(at(8, 8, 8, 8)), "blank rows mean anyone");
    }

    @Test
    void explainsBadCidrBlocks() {
        assertMessage("allowedSources: prefix length in '10.0.0.0/33' must be 0-32",
                () -> SourceFilter.parse(List.of("10.0.0.0/33")));
        assertMessage("allowedSources: prefix length in 'fd00::/x' must be 0-128",
                () -> SourceFilter.parse(List.of("fd00::/x")));
        assertMessage("allowedSources: 'lan/24' is not an IP address or CIDR block such as 192.168.1.0/24",
                () -> SourceFilter.parse(List.of("lan/24")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable code) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, code).getMessage());
    }

    private static InetSocketAddress at(int a, int b, int c, int d) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), 1);
    }

    private static InetSocketAddress at6(int first, int second) throws UnknownHostException {
        byte[] raw = new byte[16];
        Arrays.fill(raw, (byte) 1);
        raw[0] = (byte) first;
        raw[1] = (byte) second;
        return new InetSocketAddress(InetAddress.getByAddress(raw), 1);
    }
}
