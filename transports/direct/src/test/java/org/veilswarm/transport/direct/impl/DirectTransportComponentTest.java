package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;

/**
 * The DS wiring without a container: the configuration DS would build from the metatype defaults (the
 * annotation's default values) plus overrides, as ConfigAdmin properties would supply them.
 */
@ExtendWith(NettyLeakCheck.class)
class DirectTransportComponentTest {

    @Test
    void activatesWithTheDefaultsAndDeactivationFreesThePort() throws Exception {
        DirectTransportComponent component = new DirectTransportComponent(config(Map.of()));
        int port;
        try {
            assertEquals(Anonymity.NONE, component.info().anonymity());
            DirectTransportSettings settings = component.engine().settings();
            assertEquals(DirectTransportSettings.defaults(), settings);

            Listener listener = DirectTransportEngineTest.await(
                    component.listen(null, 0, DirectTransportEngineTest.init(ch -> { })));
            assertEquals("127.0.0.1", listener.address().host(), "null key accepted and ignored");
            port = listener.address().port();
        } finally {
            component.deactivate();
        }
        assertTrue(component.engine().isClosed());
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

    @Test
    void mapsEveryConfigurationAttribute() {
        DirectTransportSettings s = DirectTransportComponent.settingsOf(config(Map.of(
                "bindAddress", "0.0.0.0", "advertisedHost", "192.0.2.7", "workerThreads", 3,
                "connectTimeoutMillis", 1500, "maxConnections", 9, "acceptBacklog", 16, "tcpKeepAlive", false,
                "allowedSources", new String[] {"192.0.2.0/24"})));

        assertTrue(s.bindsWildcard());
        assertEquals("192.0.2.7", s.reportedHost());
        assertEquals(3, s.workerThreads());
        assertEquals(1500, s.connectTimeoutMillis());
        assertEquals(9, s.maxConnections());
        assertEquals(16, s.acceptBacklog());
        assertFalse(s.tcpKeepAlive());
        assertEquals(java.util.List.of("192.0.2.0/24"), s.allowedSources().blocks());
    }

    @Test
    void invalidConfigurationFailsActivationNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirectTransportComponent(config(Map.of("workerThreads", 0))));
        assertEquals("workerThreads must be 1-256, got 0", e.getMessage());
    }

    /** A Config as DS builds it: each attribute from the properties, else the annotation's default. */
    private static DirectTransportComponent.Config config(Map<String, Object> properties) {
        return (DirectTransportComponent.Config) Proxy.newProxyInstance(
                DirectTransportComponent.Config.class.getClassLoader(),
                new Class<?>[] {DirectTransportComponent.Config.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "annotationType":
                            return DirectTransportComponent.Config.class;
                        case "toString":
                            return "Config" + properties;
                        case "hashCode":
                            return properties.hashCode();
                        case "equals":
                            return proxy == args[0];
                        default:
                            return properties.getOrDefault(method.getName(), method.getDefaultValue());
                    }
                });
    }
}
