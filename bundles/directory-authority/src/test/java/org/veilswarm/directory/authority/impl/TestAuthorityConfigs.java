package org.veilswarm.directory.authority.impl;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Typed configurations of the authority component for tests: seconds-long periods, every flag at once. */
final class TestAuthorityConfigs {
    private TestAuthorityConfigs() {
    }

    /** A 3 s voting interval with 1 s phases, zero uptime and bandwidth thresholds. */
    static Map<String, Object> quick(Path keyFile, String[] authorities, int port) {
        Map<String, Object> values = new HashMap<>();
        values.put("keyFile", keyFile.toString());
        values.put("authorities", authorities);
        values.put("port", port);
        values.put("votingIntervalSeconds", 3);
        values.put("validitySeconds", 9);
        values.put("phaseMillis", 1000);
        values.put("stableUptimeSeconds", 0L);
        values.put("guardMinKnownSeconds", 0L);
        values.put("hsdirMinUptimeSeconds", 0L);
        values.put("fastGuarantee", 1L);
        values.put("guardGuarantee", 1L);
        return values;
    }

    /** The annotation instance DS would pass: {@code values}, else each attribute's default. */
    @SuppressWarnings("unchecked")
    static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
