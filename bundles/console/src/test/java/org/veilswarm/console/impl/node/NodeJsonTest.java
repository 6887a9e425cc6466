package org.veilswarm.console.impl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.NodeStatus;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.console.impl.http.Json;

class NodeJsonTest {

    @Test
    void mapsTheStatus() {
        OnionAddress address = OnionAddress.fromPublicKey(new byte[32]);
        NodeStatus status = new NodeStatus(address, "alice", "0.1.0", Path.of("/home/a/.veilswarm"),
                Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMinutes(90).plusMillis(999), List.of("direct"),
                List.of("NOT ANONYMOUS: the only transport is direct"));
        Map<String, Object> json = NodeJson.of(status);
        assertEquals(address.hostName(), json.get("address"));
        assertEquals("alice", json.get("nickname"));
        assertEquals("0.1.0", json.get("version"));
        assertEquals("/home/a/.veilswarm", json.get("dataDirectory"));
        assertEquals("2026-01-02T03:04:05Z", json.get("startedAt"));
        assertEquals(5400L, json.get("uptime"));
        assertEquals(List.of("direct"), json.get("transports"));
        assertEquals(List.of("NOT ANONYMOUS: the only transport is direct"), json.get("warnings"));
        String text = new String(Json.write(json), StandardCharsets.UTF_8);
        assertEquals(true, text.startsWith("{\"address\":\"" + address.hostName() + "\",\"nickname\":\"alice\""));
    }

    @Test
    void toleratesMissingParts() {
        NodeStatus status = new NodeStatus(null, null, null, null, null, null, List.of(), List.of());
        Map<String, Object> json = NodeJson.of(status);
        assertEquals(null, json.get("address"));
        assertEquals(null, json.get("uptime"));
        assertEquals(List.of(), json.get("warnings"));
    }
}
