package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static ApiException refused(String body) {
        return assertThrows(ApiException.class, () -> Json.parseObject(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void errorBodyHasTheContractShape() {
        String json = new String(Json.write(Json.error(404, "no bundle with id 7")), StandardCharsets.UTF_8);
        assertEquals("{\"error\":\"no bundle with id 7\",\"status\":404}", json);
    }

    @Test
    void writesMapsAndListsInOrder() {
        String json = new String(Json.write(Map.of("a", List.of(1, true, "x"))), StandardCharsets.UTF_8);
        assertEquals("{\"a\":[1,true,\"x\"]}", json);
    }

    @Test
    void parsesAnObject() throws ApiException {
        assertEquals("file:/x.jar", Json.parseObject("{\"url\":\"file:/x.jar\"}".getBytes(StandardCharsets.UTF_8))
                .get("url").textValue());
    }

    @Test
    void malformedJsonIs400WithTheParsersReason() {
        for (String body : new String[] {"{", "{\"url\":}", "not json", "{\"a\":1} trailing", "{'a':1}"}) {
            ApiException e = refused(body);
            assertEquals(400, e.status(), body);
            assertTrue(e.getMessage().startsWith("malformed JSON: "), e.getMessage());
        }
    }

    @Test
    void duplicateKeysAreMalformed() {
        ApiException e = refused("{\"url\":\"file:/a\",\"url\":\"file:/b\"}");
        assertTrue(e.getMessage().contains("Duplicate field"), e.getMessage());
    }

    @Test
    void emptyBodyAndNonObjectsAreRefused() {
        assertTrue(refused("").getMessage().contains("empty body"));
        assertTrue(refused("   ").getMessage().startsWith("malformed JSON"));
        assertEquals("expected a JSON object, got array", refused("[1]").getMessage());
        assertEquals("expected a JSON object, got string", refused("\"x\"").getMessage());
    }

    @Test
    void oversizedBodiesAre413() {
        byte[] big = ("{\"a\":\"" + "x".repeat(Json.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        ApiException e = assertThrows(ApiException.class, () -> Json.readObject(new ByteArrayInputStream(big)));
        assertEquals(413, e.status());
    }

    @Test
    void readObjectReadsAStream() throws ApiException, IOException {
        assertEquals(true, Json.readObject(new ByteArrayInputStream("{\"start\":true}".getBytes(
                StandardCharsets.UTF_8))).get("start").booleanValue());
    }
}
