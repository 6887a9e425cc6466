package org.veilswarm.console.impl.settings;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.http.JsonObject;


/**
 * Checks a {@code PUT /api/settings} body completely before anything is written, so a refused request changes
 * nothing. Every refusal names the field ({@link SettingsException#field()}).
 */
public final class SettingsValidator {

    private final SettingsCatalog catalog;
    private final OptionalInt consolePort;

    /** @param consolePort the console's own HTTP port, which no other setting may take */
    public SettingsValidator(SettingsCatalog catalog, OptionalInt consolePort) {
        this.catalog = catalog;
        this.consolePort = consolePort;
    }

    /**
     * @param body the request's JSON object: setting name → new value, or {@code null} to go back to the default
     * @param current the values in effect now (name → value), used for checks across settings
     * @return the changes, in the body's order; a {@code null} value means "remove, use the default"
     */
    public Map<Setting, Object> validate(JsonObject body, Map<String, Object> current) throws SettingsException {
        if (body.isEmpty()) {
            throw new SettingsException(null, "the body names no setting; settings: " + String.join(", ",
                    catalog.names()));
        }
        Map<Setting, Object> changes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : body.members().entrySet()) {
            Optional<Setting> setting = catalog.find(field.getKey());
            if (setting.isEmpty()) {
                String unavailable = catalog.unavailable().stream().filter(u -> u.name().equals(field.getKey()))
                        .map(u -> ": " + u.reason()).findFirst().orElse("");
                throw new SettingsException(field.getKey(), unavailable.isEmpty()
                        ? "unknown setting \"" + abbreviate(field.getKey()) + "\"; settings: "
                                + String.join(", ", catalog.names())
                        : "\"" + field.getKey() + "\" cannot be set" + unavailable);
            }
            Object value = field.getValue();
            changes.put(setting.get(), value == null ? null : parse(setting.get(), value));
        }
        checkPorts(changes, current);
        checkRelayBurst(changes, current);
        return changes;
    }

    private static Object parse(Setting setting, Object value) throws SettingsException {
        String name = setting.name();
        switch (setting.type()) {
            case INTEGER -> {
                if (!(value instanceof Long number) || number < setting.min() || number > setting.max()) {
                    throw new SettingsException(name, name + " must be an integer from " + setting.min() + " to "
                            + setting.max() + ", got " + abbreviate(Json.toJsonText(value)));
                }
                return (int) (long) number;
            }
            case TEXT -> {
                String text = text(name, value);
                if (text.isBlank() || text.length() > setting.max()) {
                    throw new SettingsException(name, name + " must be 1 to " + setting.max()
                            + " characters and not only spaces, got " + text.length());
                }
                if (text.codePoints().anyMatch(Character::isISOControl)) {
                    throw new SettingsException(name, name + " must not contain control characters");
                }
                return text;
            }
            case PATH -> {
                return path(setting, text(name, value));
            }
            case CHOICE -> {
                if (!(value instanceof String text) || !setting.options().contains(text)) {
                    throw new SettingsException(name, name + " must be one of " + String.join(", ",
                            setting.options()) + ", got " + abbreviate(Json.toJsonText(value)));
                }
                return text;
            }
            default -> throw new IllegalStateException("unknown type " + setting.type());
        }
    }

    private static String text(String name, Object value) throws SettingsException {
        if (!(value instanceof String text)) {
            throw new SettingsException(name, name + " must be a string, got " + abbreviate(Json.toJsonText(value)));
        }
        return text;
    }

    private static String path(Setting setting, String text) throws SettingsException {
        String name = setting.name();
        if (text.isEmpty() || text.length() > setting.max() || text.indexOf('\0') >= 0) {
            throw new SettingsException(name, name + " must be a path of 1 to " + setting.max()
                    + " characters without NUL");
        }
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new SettingsException(name, name + " is not a path: " + e.getReason());
        }
        // The node runs elsewhere than the browser's working directory: a relative path would be a guess.
        if (!path.isAbsolute()) {
            throw new SettingsException(name, name + " must be an absolute path, got '" + abbreviate(text) + "'");
        }
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new SettingsException(name, name + " " + path + " exists and is not a directory");
        }
        return path.normalize().toString();
    }

    /** The tracker, the swarm engine and the console each need a port of their own on 127.0.0.1. */
    private void checkPorts(Map<Setting, Object> changes, Map<String, Object> current) throws SettingsException {
        Integer tracker = effectivePort(SettingsCatalog.TRACKER_PORT, changes, current);
        Integer swarm = effectivePort(SettingsCatalog.SWARM_PORT, changes, current);
        String changed = changes.keySet().stream().map(Setting::name)
                .filter(n -> n.equals(SettingsCatalog.SWARM_PORT)).findFirst().orElse(SettingsCatalog.TRACKER_PORT);
        if (tracker != null && tracker.equals(swarm)) {
            throw new SettingsException(changed, "trackerPort and swarmPort must differ (both " + tracker
                    + "): the tracker and the swarm engine each listen on their own port");
        }
        for (String port : new String[] {SettingsCatalog.TRACKER_PORT, SettingsCatalog.SWARM_PORT}) {
            Integer value = effectivePort(port, changes, current);
            if (value != null && consolePort.isPresent() && value == consolePort.getAsInt()
                    && changes.keySet().stream().anyMatch(s -> s.name().equals(port))) {
                throw new SettingsException(port, port + " " + value + " is the console's own HTTP port");
            }
        }
    }

    /** The onion transport refuses to start with a burst below its rate (as tor does): refuse it here instead. */
    private static void checkRelayBurst(Map<Setting, Object> changes, Map<String, Object> current)
            throws SettingsException {
        Integer rate = effective(SettingsCatalog.RELAY_RATE, changes, current);
        Integer burst = effective(SettingsCatalog.RELAY_BURST, changes, current);
        if (rate != null && burst != null && rate > 0 && burst > 0 && burst < rate) {
            boolean burstChanged = changes.keySet().stream().anyMatch(s -> s.name().equals(SettingsCatalog.RELAY_BURST));
            throw new SettingsException(burstChanged ? SettingsCatalog.RELAY_BURST : SettingsCatalog.RELAY_RATE,
                    "relayBandwidthBurst (" + burst + ") must be 0 or at least relayBandwidthRate (" + rate
                            + "): the relay could never read a second's worth at once");
        }
    }

    private Integer effectivePort(String name, Map<Setting, Object> changes, Map<String, Object> current) {
        return effective(name, changes, current);
    }

    private static Integer effective(String name, Map<Setting, Object> changes, Map<String, Object> current) {
        for (Map.Entry<Setting, Object> change : changes.entrySet()) {
            if (change.getKey().name().equals(name)) {
                Object value = change.getValue() == null ? change.getKey().defaultValue() : change.getValue();
                return value instanceof Integer i ? i : null;
            }
        }
        Object value = current.get(name);
        return value instanceof Number n ? n.intValue() : null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
