package org.veilswarm.console.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The browser UI's static files under {@code /console/}, read from this bundle's {@code console-ui/} folder.
 *
 * <p>A servlet rather than a whiteboard resource: the resource servlet would not map {@code /console/} to
 * {@code index.html}, and serving only names that match a strict pattern from a fixed folder leaves no room for
 * path tricks. Authentication happens before this servlet, in {@link AuthPreprocessor}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/console/*")
@HttpWhiteboardServletName("veilswarm-console-ui")
public final class UiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String FOLDER = "console-ui/";
    private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9]+)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final transient Bundle bundle;

    @Activate
    public UiServlet(BundleContext context) {
        this.bundle = context.getBundle();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            response.setHeader("Location", "/console/");
            return;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        String extension = name.substring(name.lastIndexOf('.') + 1);
        URL entry = FILE_NAME.matcher(name).matches() && TYPES.containsKey(extension)
                ? bundle.getEntry(FOLDER + name) : null;
        if (entry == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] content;
        try (InputStream in = entry.openStream()) {
            content = in.readAllBytes();
        }
        response.setContentType(TYPES.get(extension));
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(content.length);
        response.getOutputStream().write(content);
    }
}
