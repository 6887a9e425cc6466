package org.veilswarm.console.impl;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;


import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.bundles.BundleDownload;
import org.veilswarm.console.impl.bundles.BundleJson;
import org.veilswarm.console.impl.bundles.BundleOperations;
import org.veilswarm.console.impl.components.ComponentJson;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.ApiRouter;
import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.http.MultipartUpload;
import org.veilswarm.console.impl.node.NodeJson;

/**
 * The REST API under {@code /api} (docs/console.md lists every endpoint). JSON in and out; every error is
 * {@code {"error":"...","status":N}} and leaves the node as it was.
 */
@Component(service = Servlet.class, configurationPid = ConsoleAccess.PID)
@HttpWhiteboardServletPattern("/api/*")
@HttpWhiteboardServletName("veilswarm-console-api")
public final class ApiServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;
    /** Multipart overhead allowed on top of the file limit (boundaries, part headers, small fields). */
    private static final long MULTIPART_OVERHEAD = 1024 * 1024;

    private final transient BundleContext context;
    private final transient BundleOperations bundles;
    private final transient ConsoleLog log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile NodeInfo node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime componentRuntime;

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceReference<HttpServiceRuntime> httpRuntime;

    @Activate
    public ApiServlet(BundleContext context, @Reference ConsoleAccess access,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger logger) {
        super(access);
        this.context = context;
        this.log = new ConsoleLog(logger, ApiServlet.class);
        this.bundles = new BundleOperations(context, this::protectedBundles);
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        try {
            refuseMissingService(request.getPathInfo());
            ApiRouter.Route route = ApiRouter.route(request.getMethod(), request.getPathInfo());
            switch (route.operation()) {
                case NODE_STATUS -> HttpResponses.json(response, 200, NodeJson.of(node().status()));
                case SESSION -> HttpResponses.json(response, 200, session(principal));
                case LOGOUT -> logout(principal, request, response);
                case LIST_BUNDLES -> HttpResponses.json(response, 200, listBundles());
                case BUNDLE_DETAIL -> HttpResponses.json(response, 200,
                        BundleJson.detail(bundles.find(route.bundleId()), bundles.frameworkWiring()));
                case INSTALL_BUNDLE -> install(request, response);
                case START_BUNDLE -> HttpResponses.json(response, 200,
                        BundleJson.summary(bundles.start(route.bundleId())));
                case STOP_BUNDLE -> HttpResponses.json(response, 200,
                        BundleJson.summary(bundles.stop(route.bundleId())));
                case UPDATE_BUNDLE -> update(route.bundleId(), request, response);
                case UNINSTALL_BUNDLE -> HttpResponses.json(response, 200,
                        BundleJson.summary(bundles.uninstall(route.bundleId())));
                case LIST_COMPONENTS -> HttpResponses.json(response, 200, ComponentJson.list(componentRuntime()));
                default -> throw new IllegalStateException("unrouted operation " + route.operation());
            }
        } catch (RuntimeException e) {
            log.error("console API request " + request.getMethod() + " " + request.getRequestURI() + " failed", e);
            HttpResponses.error(response, 500, "internal error: " + e);
        }
    }

    /**
     * {@code /api/shares} and {@code /api/downloads} have their own servlets, registered only while the share
     * bundle's services run (its API package is imported optionally), {@code /api/settings} while Configuration
     * Admin runs; otherwise their requests arrive here.
     */
    private static void refuseMissingService(String path) throws ApiException {
        if (path != null && (path.equals("/shares") || path.startsWith("/shares/") || path.equals("/downloads")
                || path.startsWith("/downloads/"))) {
            throw new ApiException(503, "shares and downloads are not available: the org.veilswarm.share bundle"
                    + " is not installed or its Shares/Downloads services are not running");
        }
        if ("/settings".equals(path)) {
            throw new ApiException(503, "settings are not available: they are stored through Configuration Admin,"
                    + " and no ConfigurationAdmin service runs (the core feature installs Felix Config Admin)");
        }
    }

    private NodeInfo node() throws ApiException {
        NodeInfo current = node;
        if (current == null) {
            throw new ApiException(503, "the node service (NodeInfo) is not available:"
                    + " is the org.veilswarm.node bundle active?");
        }
        return current;
    }

    private ServiceComponentRuntime componentRuntime() throws ApiException {
        ServiceComponentRuntime current = componentRuntime;
        if (current == null) {
            throw new ApiException(503, "the Declarative Services runtime (ServiceComponentRuntime) is not"
                    + " available");
        }
        return current;
    }

    private Map<String, Object> session(Principal principal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("authenticated", true);
        json.put("via", principal.via().name().toLowerCase(Locale.ROOT));
        json.put("csrfToken", principal.session() == null ? null : principal.session().csrfToken());
        json.put("idleTimeoutMinutes", access().config().sessionIdleMinutes());
        return json;
    }

    private void logout(Principal principal, HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean ended = principal.session() != null
                && access().authenticator().sessions().invalidate(principal.session().id());
        HttpResponses.clearSessionCookie(request, response);
        HttpResponses.json(response, 200, Map.of("loggedOut", ended));
    }

    private List<Map<String, Object>> listBundles() {
        List<Map<String, Object>> list = new ArrayList<>();
        Bundle[] all = context.getBundles();
        Arrays.sort(all, Comparator.comparingLong(Bundle::getBundleId));
        for (Bundle bundle : all) {
            list.add(BundleJson.summary(bundle));
        }
        return list;
    }

    private void install(HttpServletRequest request, HttpServletResponse response) throws ApiException, IOException {
        BundleSource source = readSource(request, true);
        try {
            Bundle bundle = bundles.install(source.file(), source.fileName(), source.location(), source.start());
            response.setHeader("Location", "/api/bundles/" + bundle.getBundleId());
            HttpResponses.json(response, 201, BundleJson.summary(bundle));
        } finally {
            Files.deleteIfExists(source.file());
        }
    }

    private void update(long id, HttpServletRequest request, HttpServletResponse response)
            throws ApiException, IOException {
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        // Refuse before reading (or downloading) anything.
        bundles.checkUpdatable(id, hasBody);
        if (!hasBody) {
            HttpResponses.json(response, 200, BundleJson.summary(bundles.updateFromLocation(id,
                    access().maxUploadBytes(), Duration.ofSeconds(access().config().downloadTimeoutSeconds()))));
            return;
        }
        BundleSource source = readSource(request, false);
        try {
            HttpResponses.json(response, 200, BundleJson.summary(bundles.update(id, source.file())));
        } finally {
            Files.deleteIfExists(source.file());
        }
    }

    /** A bundle archive the request brought along, in a temporary file the caller deletes. */
    private record BundleSource(Path file, String fileName, String location, boolean start) {
    }

    private BundleSource readSource(HttpServletRequest request, boolean startAllowed)
            throws ApiException, IOException {
        long max = access().maxUploadBytes();
        String contentType = request.getContentType() == null ? "" : request.getContentType();
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            if (request.getContentLengthLong() > max + MULTIPART_OVERHEAD) {
                throw new ApiException(413, "upload larger than the limit of " + max / (1024 * 1024) + " MiB");
            }
            MultipartUpload upload = MultipartUpload.read(request.getInputStream(),
                    MultipartUpload.boundary(contentType), "file", max, null);
            // Not request.getParameter(): on a multipart body the container would try to parse it itself.
            String startField = upload.fields().getOrDefault("start", queryParameter(request, "start"));
            boolean start;
            try {
                start = startAllowed && parseFlag(startField);
            } catch (ApiException e) {
                Files.deleteIfExists(upload.file());
                throw e;
            }
            return new BundleSource(upload.file(), upload.fileName(), null, start);
        }
        if (type.startsWith("application/json")) {
            JsonObject body = Json.readObject(request.getInputStream());
            checkFields(body, startAllowed ? List.of("url", "start") : List.of("url"));
            String url = body.string("url");
            if (url == null) {
                throw ApiException.badRequest("\"url\" must be a string: {\"url\":\"file:/...\" or"
                        + " \"https://...\"}");
            }
            if (body.has("start") && !(body.get("start") instanceof Boolean)) {
                throw ApiException.badRequest("\"start\" must be true or false");
            }
            boolean start = Boolean.TRUE.equals(body.get("start"));
            Path file = BundleDownload.fetch(url, max,
                    Duration.ofSeconds(access().config().downloadTimeoutSeconds()), null);
            return new BundleSource(file, null, url.strip(), start);
        }
        throw new ApiException(415, "Content-Type must be multipart/form-data (the bundle jar in field 'file')"
                + " or application/json ({\"url\":\"...\"}), got '" + contentType + "'");
    }

    private static String queryParameter(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void checkFields(JsonObject body, List<String> allowed) throws ApiException {
        for (String name : body.names()) {
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown field \"" + name + "\"; allowed: " + String.join(", ", allowed));
            }
        }
    }

    private static boolean parseFlag(String value) throws ApiException {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiException.badRequest("\"start\" must be true or false, got '" + value + "'");
    }

    /** Bundles this console must not stop, update or uninstall, with the reason shown to the operator. */
    private Map<Long, String> protectedBundles() {
        Map<Long, String> reasons = new LinkedHashMap<>();
        reasons.put(0L, "the system bundle is the framework itself; stop the node with its launcher instead");
        reasons.put(context.getBundle().getBundleId(), "it is the console serving this request; use the Gogo"
                + " shell to stop or replace it");
        ServiceReference<HttpServiceRuntime> runtime = httpRuntime;
        Bundle server = runtime == null ? null : runtime.getBundle();
        if (server != null) {
            reasons.putIfAbsent(server.getBundleId(), "it runs the HTTP server this console is served by;"
                    + " stopping it would cut this console off (use the Gogo shell)");
        }
        return reasons;
    }
}
