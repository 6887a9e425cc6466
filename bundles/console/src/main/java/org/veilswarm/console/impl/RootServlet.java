package org.veilswarm.console.impl;

import java.io.IOException;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code /} leads to the UI; other unmapped paths of the default context are plain 404s. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardServletName("veilswarm-console-root")
public final class RootServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/".equals(request.getRequestURI())) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", "/console/");
            return;
        }
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
}
