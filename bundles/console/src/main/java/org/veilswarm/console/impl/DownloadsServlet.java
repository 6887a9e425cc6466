package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;


import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.settings.DefaultDownloadDirectory;
import org.veilswarm.console.impl.share.ShareJson;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.Downloads;
import org.veilswarm.share.api.ShareException;

/**
 * {@code /api/downloads}: add by share link, list with progress/rates/peers/ETA, pause, resume, remove
 * (docs/console.md). Registered only while a {@link Downloads} service runs
 * (a mandatory reference, so the class is never loaded without the share bundle); otherwise
 * {@link ApiServlet} answers 503.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/downloads", "/api/downloads/*"})
@HttpWhiteboardServletName("veilswarm-console-downloads")
public final class DownloadsServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient Downloads downloads;

    /** The default download directory, when Configuration Admin runs (a request without "dir" uses it). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile DefaultDownloadDirectory settings;

    @Activate
    public DownloadsServlet(@Reference ConsoleAccess access, @Reference Downloads downloads) {
        super(access);
        this.downloads = downloads;
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        String method = request.getMethod();
        try {
            List<String> path = ApiPaths.segments(request.getPathInfo());
            Downloads current = downloads;
            if (path.isEmpty()) {
                switch (method) {
                    case "GET" -> HttpResponses.json(response, 200,
                            current.list().stream().map(ShareJson::download).toList());
                    case "POST" -> {
                        JsonObject body = Json.readObject(request.getInputStream());
                        ApiPaths.checkFields(body, List.of("link", "dir", "clientAuthKey"));
                        // a share for authorized clients only: its secret x25519 key (issue 5)
                        Download added = body.get("clientAuthKey") != null
                                ? current.add(ApiPaths.text(body, "link"), directory(body),
                                        ApiPaths.text(body, "clientAuthKey"))
                                : current.add(ApiPaths.text(body, "link"), directory(body));
                        response.setHeader("Location", "/api/downloads/" + added.id());
                        HttpResponses.json(response, 201, ShareJson.download(added));
                    }
                    default -> throw ApiPaths.notAllowed(method, "/api/downloads", "GET, POST");
                }
                return;
            }
            String id = path.get(0);
            if (path.size() == 1) {
                switch (method) {
                    case "GET" -> HttpResponses.json(response, 200, ShareJson.download(find(current, id)));
                    case "DELETE" -> {
                        find(current, id);
                        boolean deleteFiles = "true".equals(request.getParameter("deleteFiles"));
                        HttpResponses.json(response, 200, Map.of("removed", current.remove(id, deleteFiles)));
                    }
                    default -> throw ApiPaths.notAllowed(method, "/api/downloads/{id}", "GET, DELETE");
                }
                return;
            }
            if (path.size() == 2 && (path.get(1).equals("pause") || path.get(1).equals("resume"))) {
                ApiPaths.only(method, "POST", "/api/downloads/{id}/" + path.get(1));
                find(current, id);
                Download changed = path.get(1).equals("pause") ? current.pause(id) : current.resume(id);
                HttpResponses.json(response, 200, ShareJson.download(changed));
                return;
            }
            throw ApiException.notFound("no such API endpoint: /api/downloads" + request.getPathInfo());
        } catch (ShareException | IllegalArgumentException e) {
            HttpResponses.error(response, 400, e.getMessage());
        }
    }

    private Path directory(JsonObject body) throws ApiException, IOException {
        if (body.get("dir") != null) {
            return ApiPaths.absolutePath(body, "dir");
        }
        DefaultDownloadDirectory current = settings;
        if (current == null) {
            throw ApiException.badRequest("\"dir\" is required: no default download directory is configured"
                    + " (settings need Configuration Admin)");
        }
        return current.downloadDirectory();
    }

    private static Download find(Downloads current, String id) throws ApiException {
        return current.get(id).orElseThrow(() -> ApiException.notFound("no download " + ApiPaths.abbreviate(id)));
    }
}
