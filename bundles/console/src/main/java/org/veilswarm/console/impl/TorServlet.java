package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.util.tracker.ServiceTracker;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.tor.TorMonitorJson;

/**
 * {@code GET /api/tor}: the tor transport's monitor (docs/console.md). Always registered and satisfied; while no tor
 * transport is installed it answers {@code {"installed":false,...}} rather than 404, so the Tor tab can say so.
 * <p>
 * The {@code TorMonitor} service is tracked by its object class name, typed {@link Object}: this class never names
 * the tor bundle's monitor package, whose classes are only there while the tor bundle is (dynamic import, as the
 * share API). A component with a mandatory {@code TorMonitor} reference would stay unsatisfied on every node without
 * tor, which DistributionResolvesIT reports. {@link TorMonitorJson}, which does name it, is loaded on the first
 * request that finds a monitor.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/tor")
@HttpWhiteboardServletName("veilswarm-console-tor")
public final class TorServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;
    static final String NOT_INSTALLED = "no tor transport is installed (feature transport-tor); its monitor appears"
            + " here once it is";

    private final transient ServiceTracker<Object, Object> monitors;

    /**
     * Tracks TorMonitor services by name with {@code open(true)}: a DS reference needs the interface type (its
     * filter includes the objectClass), and a plain listener would hide services whose package the console has not
     * wired yet, which is the case until the first one is read.
     */
    @Activate
    public TorServlet(BundleContext context, @Reference ConsoleAccess access) throws InvalidSyntaxException {
        super(access);
        this.monitors = new ServiceTracker<>(context,
                context.createFilter("(" + Constants.OBJECTCLASS + "=" + TorMonitorJson.SERVICE + ")"), null);
        monitors.open(true);
    }

    @Deactivate
    void deactivate() {
        monitors.close();
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        ApiPaths.only(request.getMethod(), "GET", "/api/tor");
        HttpResponses.json(response, 200, json(monitors.getService()));
    }

    static Map<String, Object> json(Object current) {
        if (current != null) {
            try {
                return TorMonitorJson.json(current);
            } catch (ClassCastException | LinkageError e) {
                // The console's dynamic import stays wired to the package of the tor bundle it first saw; a tor
                // bundle installed after that one was uninstalled brings another copy until the console is refreshed.
                return notInstalled("the tor monitor's package is not the one the console is wired to (tor bundle"
                        + " reinstalled?): refresh the console bundle; " + e);
            } catch (RuntimeException e) {
                // The tor bundle stopping while we read: answer as if it were gone, saying why.
                return notInstalled("the tor monitor is going away: " + e);
            }
        }
        return notInstalled(NOT_INSTALLED);
    }

    private static Map<String, Object> notInstalled(String detail) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("installed", false);
        json.put("detail", detail);
        return json;
    }
}
