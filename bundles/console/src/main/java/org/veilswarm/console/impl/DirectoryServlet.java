package org.veilswarm.console.impl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.directory.DirectoryView;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.settings.ConfiguredProperties;

/**
 * {@code GET /api/directory}: the directory view (docs/console.md). Follows the directory scheme bundles as they
 * come and go; the active scheme is the one the onion transport is configured for (read through
 * {@link ConfiguredProperties} while Configuration Admin runs), else the first installed.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/directory")
@HttpWhiteboardServletName("veilswarm-console-directory")
public final class DirectoryServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;
    static final String ONION_PID = "org.veilswarm.transport.onion";

    private final transient DirectoryView view = new DirectoryView(Duration.ofSeconds(5));
    private final transient Map<DirectoryScheme, DirectoryView.Bound> schemes = new ConcurrentHashMap<>();
    private final transient Map<RelayList, String> relayLists = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfiguredProperties settings;

    @Activate
    public DirectoryServlet(@Reference ConsoleAccess access) {
        super(access);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addScheme(DirectoryScheme scheme, Map<String, Object> properties) {
        Object name = properties.get(DirectoryScheme.SCHEME);
        schemes.put(scheme, new DirectoryView.Bound(name == null ? scheme.name() : name.toString(),
                ((Number) properties.get(Constants.SERVICE_ID)).longValue(), scheme));
    }

    void removeScheme(DirectoryScheme scheme) {
        schemes.remove(scheme);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRelayList(RelayList list, Map<String, Object> properties) {
        Object name = properties.get(DirectoryScheme.SCHEME);
        relayLists.put(list, name == null ? "" : name.toString());
    }

    void removeRelayList(RelayList list) {
        relayLists.remove(list);
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        ApiPaths.only(request.getMethod(), "GET", "/api/directory");
        DirectoryView.RelayQuery query = DirectoryView.RelayQuery.parse(request.getParameter("scheme"),
                request.getParameter("flag"), request.getParameter("offset"), request.getParameter("limit"));
        Map<String, RelayList> lists = new ConcurrentHashMap<>();
        relayLists.forEach((list, scheme) -> lists.put(scheme, list));
        HttpResponses.json(response, 200, view.json(new ArrayList<>(schemes.values()), lists, configuredScheme(),
                query));
    }

    private Optional<String> configuredScheme() throws IOException {
        ConfiguredProperties current = settings;
        if (current == null) {
            return Optional.empty();
        }
        return current.configuredProperty(ONION_PID, "directoryScheme").map(Object::toString)
                .filter(s -> !s.isBlank());
    }

    /** For tests: the schemes bound now. */
    List<DirectoryView.Bound> bound() {
        return List.copyOf(schemes.values());
    }
}
