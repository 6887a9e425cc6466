package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;


import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.share.ShareCreations;
import org.veilswarm.console.impl.share.ShareJson;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.Shares;

/**
 * {@code /api/shares}: list, reveal preview, create (in the background, progress pollable), publish, revoke,
 * remove (docs/console.md). Registered only while a {@link Shares} service runs
 * (a mandatory reference, so the class is never loaded without the share bundle); otherwise
 * {@link ApiServlet} answers 503.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/shares", "/api/shares/*"})
@HttpWhiteboardServletName("veilswarm-console-shares")
public final class SharesServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient ShareCreations creations = new ShareCreations();

    private final transient Shares shares;

    @Activate
    public SharesServlet(@Reference ConsoleAccess access, @Reference Shares shares) {
        super(access);
        this.shares = shares;
    }

    @Deactivate
    void stop() {
        creations.close();
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        String method = request.getMethod();
        try {
            List<String> path = ApiPaths.segments(request.getPathInfo());
            Shares current = shares;
            if (path.isEmpty()) {
                switch (method) {
                    case "GET" -> HttpResponses.json(response, 200,
                            current.list().stream().map(ShareJson::share).toList());
                    case "POST" -> create(current, Json.readObject(request.getInputStream()), response);
                    default -> throw ApiPaths.notAllowed(method, "/api/shares", "GET, POST");
                }
                return;
            }
            if (path.size() == 2 && path.get(0).equals("creations")) {
                ApiPaths.only(method, "GET", "/api/shares/creations/{id}");
                ShareCreations.Creation creation = creations.get(path.get(1)).orElseThrow(() ->
                        ApiException.notFound("no share creation " + ApiPaths.abbreviate(path.get(1))));
                HttpResponses.json(response, 200, creation.json());
                return;
            }
            String id = path.get(0);
            if (path.size() == 1) {
                switch (method) {
                    case "GET" -> HttpResponses.json(response, 200, ShareJson.share(find(current, id)));
                    case "DELETE" -> {
                        find(current, id);
                        HttpResponses.json(response, 200, Map.of("removed", current.remove(id)));
                    }
                    default -> throw ApiPaths.notAllowed(method, "/api/shares/{id}", "GET, DELETE");
                }
                return;
            }
            if (path.size() == 2 && path.get(1).equals("publish")) {
                ApiPaths.only(method, "POST", "/api/shares/{id}/publish");
                JsonObject body = ApiPaths.optionalBody(request);
                ApiPaths.checkFields(body, List.of("revokePrivate"));
                find(current, id);
                HttpResponses.json(response, 200, ShareJson.share(current.publish(id,
                        ApiPaths.flag(body, "revokePrivate", false))));
                return;
            }
            if (path.size() == 2 && path.get(1).equals("revoke")) {
                ApiPaths.only(method, "POST", "/api/shares/{id}/revoke");
                JsonObject body = ApiPaths.optionalBody(request);
                ApiPaths.checkFields(body, List.of("visibility"));
                find(current, id);
                HttpResponses.json(response, 200, ShareJson.share(current.revoke(id, visibility(body))));
                return;
            }
            throw ApiException.notFound("no such API endpoint: /api/shares" + request.getPathInfo());
        } catch (ShareException | IllegalArgumentException e) {
            HttpResponses.error(response, 400, e.getMessage());
        }
    }

    private void create(Shares current, JsonObject body, HttpServletResponse response)
            throws ApiException, IOException {
        ApiPaths.checkFields(body, List.of("path", "previewOnly", "visibility", "clientAuth"));
        Path path = ApiPaths.absolutePath(body, "path");
        if (ApiPaths.flag(body, "previewOnly", false)) {
            HttpResponses.json(response, 200, ShareJson.reveal(current.preview(path)));
            return;
        }
        Visibility visibility = body.has("visibility") ? visibility(body) : Visibility.PRIVATE;
        ShareOptions options = new ShareOptions(visibility, false);
        if (ApiPaths.flag(body, "clientAuth", false)) {
            options = options.withClientAuth(true); // authorized clients only (issue 5)
        }
        ShareCreations.Creation creation = creations.start(current, path, options);
        response.setHeader("Location", "/api/shares/creations/" + creation.json().get("id"));
        HttpResponses.json(response, 202, creation.json());
    }

    private static Share find(Shares current, String id) throws ApiException {
        return current.get(id).orElseThrow(() -> ApiException.notFound("no share " + ApiPaths.abbreviate(id)));
    }

    private static Visibility visibility(JsonObject body) throws ApiException {
        String text = body.string("visibility");
        if (text == null) {
            throw ApiException.badRequest("\"visibility\" must be \"private\" or \"public\"");
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "private" -> Visibility.PRIVATE;
            case "public" -> Visibility.PUBLIC;
            default -> throw ApiException.badRequest("\"visibility\" must be \"private\" or \"public\", got '"
                    + ApiPaths.abbreviate(text) + "'");
        };
    }
}
