package org.veilswarm.console.impl.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * JSON in and out of the REST API over Jackson's streaming parser and generator: response bodies are maps,
 * lists and plain values, request bodies small flat objects, so no object mapping is needed, and without
 * jackson-databind a node loads ~450 fewer classes (3 MB of class metadata, ~4.5 MB of RSS:
 * docs/performance.md, "Node memory", session 11). Bounded request bodies, errors as values.
 */
public final class Json {

    /** Largest JSON request body accepted; install-by-URL bodies are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Deepest nesting a request body may have; the API's bodies are flat objects. */
    static final int MAX_DEPTH = 32;

    /** Strict reading: duplicate keys are errors (trailing tokens are checked after the value). */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /**
     * Serializes maps (keys as strings), iterables and arrays, strings, numbers, booleans, enums (by name) and
     * null: the API's response bodies.
     *
     * @throws IllegalArgumentException for any other type, which is a bug in the caller
     */
    public static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            writeValue(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** {@code value} as compact JSON text, e.g. for quoting a client's value in an error message. */
    public static String toJsonText(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof CharSequence text) {
            g.writeString(text.toString());
        } else if (value instanceof Boolean flag) {
            g.writeBoolean(flag);
        } else if (value instanceof Number number) {
            writeNumber(g, number);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> member : map.entrySet()) {
                g.writeFieldName(String.valueOf(member.getKey()));
                writeValue(g, member.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof JsonObject object) {
            writeValue(g, object.members());
        } else if (value instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof byte[] bytes) {
            g.writeBinary(bytes); // base64, as Jackson's object mapper writes a byte[]
        } else if (value.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                writeValue(g, Array.get(value, i));
            }
            g.writeEndArray();
        } else if (value instanceof Enum<?> constant) {
            g.writeString(constant.name());
        } else if (value instanceof Character c) {
            g.writeString(c.toString());
        } else if (value instanceof Optional<?> optional) {
            writeValue(g, optional.orElse(null));
        } else {
            throw new IllegalArgumentException("cannot serialize response body: no JSON form for "
                    + value.getClass().getName());
        }
    }

    private static void writeNumber(JsonGenerator g, Number number) throws IOException {
        if (number instanceof Integer || number instanceof Short || number instanceof Byte
                || number instanceof AtomicInteger) {
            g.writeNumber(number.intValue());
        } else if (number instanceof Long || number instanceof AtomicLong) {
            g.writeNumber(number.longValue());
        } else if (number instanceof Double d) {
            g.writeNumber(d);
        } else if (number instanceof Float f) {
            g.writeNumber(f);
        } else if (number instanceof BigInteger big) {
            g.writeNumber(big);
        } else if (number instanceof BigDecimal decimal) {
            g.writeNumber(decimal);
        } else {
            throw new IllegalArgumentException("cannot serialize response body: no JSON form for "
                    + number.getClass().getName());
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
    public static JsonObject readObject(InputStream in) throws ApiException, IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "JSON body larger than " + MAX_BODY_BYTES + " bytes");
        }
        return parseObject(body);
    }

    /** Parses a JSON object: one value, nothing but white space after it, no key twice in an object. */
    public static JsonObject parseObject(byte[] body) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest("malformed JSON: empty body, expected a JSON object");
        }
        Object value;
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw ApiException.badRequest("malformed JSON: empty body, expected a JSON object");
            }
            value = readValue(parser, first, 0);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw ApiException.badRequest("malformed JSON: trailing token (" + trailing.asString()
                        + ") after the value");
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // Jackson reads a number's value lazily and reports one BigDecimal cannot hold (an exponent beyond
            // an int) this way, not as a parse error.
            throw ApiException.badRequest("malformed JSON: number out of range: " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getMessage());
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw ApiException.badRequest("expected a JSON object, got " + typeName(value));
    }

    private static Object readValue(JsonParser parser, JsonToken token, int depth) throws IOException, ApiException {
        switch (token) {
            case START_OBJECT -> {
                checkDepth(depth);
                Map<String, Object> members = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName(); // t is FIELD_NAME: the parser allows nothing else here
                    members.put(name, readValue(parser, parser.nextToken(), depth + 1));
                }
                return new JsonObject(members);
            }
            case START_ARRAY -> {
                checkDepth(depth);
                List<Object> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(readValue(parser, t, depth + 1));
                }
                return Collections.unmodifiableList(items); // JSON null items stay null
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
                        : (Object) parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw ApiException.badRequest("malformed JSON: unexpected " + token.asString());
        }
    }

    private static void checkDepth(int depth) throws ApiException {
        if (depth >= MAX_DEPTH) {
            throw ApiException.badRequest("malformed JSON: nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** The JSON type of a parsed value, as error messages name it. */
    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof JsonObject) {
            return "object";
        } else if (value instanceof List<?>) {
            return "array";
        } else if (value instanceof String) {
            return "string";
        } else if (value instanceof Boolean) {
            return "boolean";
        }
        return "number";
    }
}
