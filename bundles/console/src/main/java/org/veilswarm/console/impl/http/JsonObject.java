package org.veilswarm.console.impl.http;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object read from a request body, members in the order the client wrote them. A member's value is
 * {@code null} (JSON null), a {@link Boolean}, a {@link String}, a {@link Long} (an integer that fits), a
 * {@link java.math.BigInteger} (one that does not), a {@link java.math.BigDecimal} (a number with a fraction or
 * exponent), a {@code List<Object>} of such values or another {@code JsonObject}. Immutable.
 */
public final class JsonObject {
    private static final JsonObject EMPTY = new JsonObject(Map.of());

    private final Map<String, Object> members;

    /** Takes {@code members} as they are: the parser hands over a map it no longer touches. */
    JsonObject(Map<String, Object> members) {
        this.members = Collections.unmodifiableMap(members);
    }

    /** The body of a request that sent none. */
    public static JsonObject empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** The member names, in the body's order. */
    public Set<String> names() {
        return members.keySet();
    }

    /** The members, in the body's order; values as the class comment lists them. */
    public Map<String, Object> members() {
        return members;
    }

    public boolean has(String name) {
        return members.containsKey(name);
    }

    /** The member's value, or null when it is JSON null or absent ({@link #has} tells which). */
    public Object get(String name) {
        return members.get(name);
    }

    /** The member's value if it is a string, else null (absent, JSON null, or another type). */
    public String string(String name) {
        return members.get(name) instanceof String s ? s : null;
    }

    /** Same members with equal values, in any order (as JSON objects compare). */
    @Override
    public boolean equals(Object other) {
        return other instanceof JsonObject o && members.equals(o.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    /** The object as compact JSON, members in order. */
    @Override
    public String toString() {
        return Json.toJsonText(this);
    }
}
