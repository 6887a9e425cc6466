package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.veilswarm.console.impl.http.ApiRouter.Operation;
import org.veilswarm.console.impl.http.ApiRouter.Route;

class ApiRouterTest {

    private static Route route(String method, String path) throws ApiException {
        return ApiRouter.route(method, path);
    }

    private static ApiException refused(String method, String path) {
        return assertThrows(ApiException.class, () -> ApiRouter.route(method, path));
    }

    @Test
    void routesEveryEndpoint() throws ApiException {
        assertEquals(new Route(Operation.NODE_STATUS, -1), route("GET", "/node"));
        assertEquals(new Route(Operation.SESSION, -1), route("GET", "/session"));
        assertEquals(new Route(Operation.LOGOUT, -1), route("POST", "/logout"));
        assertEquals(new Route(Operation.LIST_BUNDLES, -1), route("GET", "/bundles"));
        assertEquals(new Route(Operation.INSTALL_BUNDLE, -1), route("POST", "/bundles"));
        assertEquals(new Route(Operation.BUNDLE_DETAIL, 12), route("GET", "/bundles/12"));
        assertEquals(new Route(Operation.UNINSTALL_BUNDLE, 12), route("DELETE", "/bundles/12"));
        assertEquals(new Route(Operation.START_BUNDLE, 0), route("POST", "/bundles/0/start"));
        assertEquals(new Route(Operation.STOP_BUNDLE, 3), route("POST", "/bundles/3/stop"));
        assertEquals(new Route(Operation.UPDATE_BUNDLE, 3), route("POST", "/bundles/3/update"));
        assertEquals(new Route(Operation.LIST_COMPONENTS, -1), route("GET", "/components"));
    }

    @Test
    void toleratesATrailingSlashAndLowerCaseMethods() throws ApiException {
        assertEquals(Operation.LIST_BUNDLES, route("GET", "/bundles/").operation());
        assertEquals(Operation.LIST_BUNDLES, route("get", "/bundles").operation());
    }

    @Test
    void unknownPathsAre404() {
        for (String path : new String[] {null, "", "/", "/nope", "/bundles/1/explode", "//bundles", "/bundles//1",
                "/node/extra", "/Bundles"}) {
            ApiException e = refused("GET", path);
            assertEquals(404, e.status(), path);
            assertTrue(e.getMessage().startsWith("no such API endpoint: /api"), e.getMessage());
        }
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        ApiException e = refused("DELETE", "/bundles");
        assertEquals(405, e.status());
        assertEquals("GET, POST", e.headers().get("Allow"));
        assertEquals(405, refused("GET", "/bundles/1/start").status());
        assertEquals("POST", refused("GET", "/bundles/1/start").headers().get("Allow"));
        assertEquals(405, refused("PUT", "/bundles/1").status());
        assertEquals(405, refused("GET", "/logout").status());
        assertEquals(405, refused("POST", "/node").status());
    }

    @Test
    void nonNumericIdsAre400() {
        for (String id : new String[] {"abc", "-1", "1.5", "0x10", "99999999999999999999", " 1"}) {
            ApiException e = refused("GET", "/bundles/" + id);
            assertEquals(400, e.status(), id);
            assertTrue(e.getMessage().contains("non-negative integer"), e.getMessage());
        }
        assertEquals(400, refused("POST", "/bundles/x/start").status());
    }
}
