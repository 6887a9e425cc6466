package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;


import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.settings.NodeSettings;
import org.veilswarm.console.impl.settings.SettingsException;

/**
 * {@code GET/PUT /api/settings}: the node settings, stored through Configuration Admin (docs/console.md).
 * Registered only while Configuration Admin runs (through {@link NodeSettings}); otherwise {@link ApiServlet}
 * answers 503.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/settings")
@HttpWhiteboardServletName("veilswarm-console-settings")
public final class SettingsServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient NodeSettings settings;

    @Activate
    public SettingsServlet(@Reference ConsoleAccess access, @Reference NodeSettings settings) {
        super(access);
        this.settings = settings;
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        try {
            switch (request.getMethod()) {
                case "GET" -> HttpResponses.json(response, 200, body(List.of()));
                case "PUT" -> {
                    JsonObject body = Json.readObject(request.getInputStream());
                    List<String> changed = settings.update(body);
                    HttpResponses.json(response, 200, body(changed));
                }
                default -> throw ApiPaths.notAllowed(request.getMethod(), "/api/settings", "GET, PUT");
            }
        } catch (SettingsException e) {
            Map<String, Object> error = new LinkedHashMap<>(Json.error(400, e.getMessage()));
            error.put("field", e.field());
            HttpResponses.json(response, 400, error);
        }
    }

    private Map<String, Object> body(List<String> changed) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("values", settings.values());
        json.put("settings", settings.describe());
        json.put("unavailable", settings.catalog().unavailable().stream().map(u -> Map.of("name", u.name(),
                "label", u.label(), "reason", u.reason())).toList());
        json.put("changed", changed);
        return json;
    }
}
