package org.veilswarm.console.impl.settings;

import java.util.List;
import java.util.Objects;

/**
 * One node setting the console offers: a JSON name mapped onto one property of one Configuration Admin PID
 * (OSGi Compendium ch. 104), so the bundle that owns the PID gets the value through its ordinary
 * {@code @Modified}/re-activation and Configuration Admin persists it across restarts.
 *
 * @param name the JSON field name in {@code /api/settings}
 * @param pid the configuration PID of the bundle that uses the value
 * @param property the property inside that configuration
 * @param type how the value is checked and stored
 * @param min smallest value (integers only)
 * @param max largest value (integers only; the longest text for strings)
 * @param defaultValue what the owning bundle uses when the property is not set
 * @param label a short name for the settings page
 * @param description what it does and when it takes effect
 * @param options the allowed values of a {@link Type#CHOICE}; empty for other types
 */
public record Setting(String name, String pid, String property, Type type, long min, long max, Object defaultValue,
        String label, String description, List<String> options) {

    /** How a setting's value is written in JSON and stored in Configuration Admin. */
    public enum Type {
        /** A JSON integer, stored as {@link Integer}. */
        INTEGER,
        /** A JSON string of 1..max characters without control characters. */
        TEXT,
        /** A JSON string holding an absolute path of this machine. */
        PATH,
        /** A JSON string, one of {@link Setting#options()}. */
        CHOICE
    }

    public Setting(String name, String pid, String property, Type type, long min, long max, Object defaultValue,
            String label, String description) {
        this(name, pid, property, type, min, max, defaultValue, label, description, List.of());
    }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(description, "description");
        options = List.copyOf(options);
        if ((type == Type.CHOICE) == options.isEmpty()) {
            throw new IllegalArgumentException(name + ": a choice needs options, and only a choice has them");
        }
    }

    public String typeName() {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }
}
