package org.veilswarm.console.impl.node;

import java.util.LinkedHashMap;
import java.util.Map;

import org.veilswarm.api.node.NodeStatus;

/** {@code GET /api/node}: the node's {@link NodeStatus} as JSON. */
public final class NodeJson {

    private NodeJson() {
    }

    /**
     * {@code {address, nickname, version, dataDirectory, startedAt, uptime, transports, warnings}}; the
     * address is the onion host name, {@code startedAt} ISO-8601, {@code uptime} whole seconds.
     */
    public static Map<String, Object> of(NodeStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", status.address() == null ? null : status.address().hostName());
        json.put("nickname", status.nickname());
        json.put("version", status.version());
        json.put("dataDirectory", status.dataDirectory() == null ? null : status.dataDirectory().toString());
        json.put("startedAt", status.startedAt() == null ? null : status.startedAt().toString());
        json.put("uptime", status.uptime() == null ? null : status.uptime().toSeconds());
        json.put("transports", status.transports());
        json.put("warnings", status.warnings());
        return json;
    }
}
