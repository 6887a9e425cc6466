package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
                .string("url"));
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
                StandardCharsets.UTF_8))).get("start"));
    }

    @Test
    void writesEveryTypeTheResponsesUse() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("null", null);
        body.put("int", 7);
        body.put("long", 1L << 40);
        body.put("double", 0.5);
        body.put("big", new BigInteger("123456789012345678901234567890"));
        body.put("enum", TimeUnit.SECONDS);
        body.put("strings", new String[] {"a", "b"});
        body.put("longs", new long[] {1, 2});
        body.put("bytes", new byte[] {0, 1, 2});
        body.put("absent", Optional.empty());
        body.put("nested", Map.of("escaped", "quote \" and \u0001"));
        assertEquals("{\"null\":null,\"int\":7,\"long\":1099511627776,\"double\":0.5,"
                + "\"big\":123456789012345678901234567890,\"enum\":\"SECONDS\",\"strings\":[\"a\",\"b\"],"
                + "\"longs\":[1,2],\"bytes\":\"AAEC\",\"absent\":null,"
                + "\"nested\":{\"escaped\":\"quote \\\" and \\u0001\"}}", Json.toJsonText(body));
    }

    @Test
    void typesWithoutAJsonFormAreABugNotASilentBeanDump() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.write(Map.of("when", java.time.Instant.EPOCH)));
        assertTrue(e.getMessage().contains("java.time.Instant"), e.getMessage());
    }

    @Test
    void readsNumbersExactly() throws ApiException {
        JsonObject body = Json.parseObject(("{\"small\":-3,\"long\":9223372036854775807,"
                + "\"big\":9223372036854775808,\"fraction\":2.50,\"exp\":1e3}").getBytes(StandardCharsets.UTF_8));
        assertEquals(-3L, body.get("small"));
        assertEquals(Long.MAX_VALUE, body.get("long"));
        assertEquals(new BigInteger("9223372036854775808"), body.get("big"));
        assertEquals(new BigDecimal("2.50"), body.get("fraction"));
        assertEquals(new BigDecimal("1e3"), body.get("exp"));
    }

    @Test
    void numbersBeyondBigDecimalAre400NotAnEscapingException() {
        // Found by JsonFuzzTest: Jackson throws NumberFormatException for an exponent beyond an int.
        ApiException e = refused("{\"n\":123456e978901234567890}");
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("malformed JSON: number out of range"), e.getMessage());
    }

    @Test
    void keepsMemberOrderNullsAndNesting() throws ApiException {
        JsonObject body = Json.parseObject("{\"b\":null,\"a\":[1,null,{\"x\":true}],\"c\":\"\\u00e9\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("b", "a", "c"), List.copyOf(body.names()));
        assertTrue(body.has("b"));
        assertNull(body.get("b"));
        assertFalse(body.has("z"));
        assertEquals(Arrays.asList(1L, null, Json.parseObject("{\"x\":true}".getBytes(StandardCharsets.UTF_8))),
                body.get("a"));
        assertEquals("\u00e9", body.string("c"));
        assertNull(body.string("a"), "string() is null for a non-string");
        assertEquals("{\"b\":null,\"a\":[1,null,{\"x\":true}],\"c\":\"\u00e9\"}", body.toString());
    }

    @Test
    void deepNestingIsRefusedBeforeTheStackIsAtRisk() {
        String deep = "{\"a\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}";
        ApiException e = refused(deep);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        String allowed = "{\"a\":" + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1) + "}";
        assertTrue(assertDoesNotThrowParse(allowed).has("a"));
    }

    @Test
    void everyTrailingTokenIsRefused() {
        for (String body : new String[] {"{}{}", "{} []", "{} 1", "{} null", "{}\"x\""}) {
            assertTrue(refused(body).getMessage().startsWith("malformed JSON: "), body);
        }
        assertEquals("expected a JSON object, got null", refused("null").getMessage());
        assertEquals("expected a JSON object, got number", refused("1.5").getMessage());
        assertEquals("expected a JSON object, got boolean", refused("true").getMessage());
    }

    private static JsonObject assertDoesNotThrowParse(String body) {
        try {
            return Json.parseObject(body.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            throw new AssertionError(body + ": " + e.getMessage(), e);
        }
    }
}
