package org.veilswarm.console.impl.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON in and out of the REST API: one configured mapper, bounded request bodies, errors as values. */
public final class Json {

    /** Largest JSON request body accepted; install-by-URL bodies are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** Strict reading: trailing garbage and duplicate keys are errors, not silently ignored. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /** Serializes maps, lists, strings, numbers and booleans (the API's response bodies). */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize response body: " + e.getOriginalMessage(), e);
        }
    }

    /** The error body of every failed request: {@code {"error":"...","status":N}}. */
    public static Map<String, Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return body;
    }

    /**
     * Reads a JSON object from {@code in} (at most {@value #MAX_BODY_BYTES} bytes).
     *
     * @throws ApiException 400 for malformed JSON or a non-object, 413 for a body that is too large
     */
    public static ObjectNode readObject(InputStream in) throws ApiException, IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "JSON body larger than " + MAX_BODY_BYTES + " bytes");
        }
        return parseObject(body);
    }

    /** Parses a JSON object. */
    public static ObjectNode parseObject(byte[] body) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest("malformed JSON: empty body, expected a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw ApiException.badRequest("malformed JSON: " + detail);
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest("malformed JSON: empty body, expected a JSON object");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("expected a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return (ObjectNode) node;
    }
}
