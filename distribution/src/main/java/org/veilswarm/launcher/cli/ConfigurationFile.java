package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.Configurations;

/**
 * {@code veilswarm run --config FILE}: JSON with one object per PID, as a feature's {@code configurations}
 * section (OSGi Compendium R8 §159.7) or a Configurator resource (§150.4) writes them:
 * <pre>{ "org.veilswarm.transport.onion": { "orPort": 9001, "directoryScheme": "consensus" } }</pre>
 * Each object is read with Apache Felix's cm.json reader, so values get the same types as feature
 * configurations (numbers Long, string arrays String[], type hints such as {@code "port:Integer"}). Keys
 * starting with {@code :} (Configurator directives such as {@code :configurator:resource-version}) are skipped.
 */
final class ConfigurationFile {

    private ConfigurationFile() {
    }

    static Map<String, Map<String, Object>> read(Path file) throws CliException {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonReader json = Json.createReader(Configurations.jsonCommentAwareReader(r))) {
            root = json.readObject();
        } catch (NoSuchFileException e) {
            throw new CliException("Configuration file " + file + " does not exist", 2);
        } catch (IOException | RuntimeException e) {
            throw new CliException("Cannot read the configuration file " + file + ": " + e.getMessage(), 2);
        }
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : root.entrySet()) {
            if (e.getKey().startsWith(":")) {
                continue;
            }
            if (!(e.getValue() instanceof JsonObject values)) {
                throw new CliException("Configuration file " + file + ": the value of \"" + e.getKey()
                        + "\" must be an object of configuration properties", 2);
            }
            ConfigurationReader reader = Configurations.buildReader().verifyAsBundleResource(false)
                    .withIdentifier(e.getKey()).build(values);
            Hashtable<String, Object> properties;
            try {
                properties = reader.readConfiguration();
            } catch (IOException | RuntimeException ex) {
                throw new CliException("Configuration file " + file + ", PID " + e.getKey() + ": " + ex.getMessage(), 2);
            }
            List<String> errors = reader.getIgnoredErrors();
            if (!errors.isEmpty()) {
                throw new CliException("Configuration file " + file + ", PID " + e.getKey() + ": "
                        + String.join("; ", errors), 2);
            }
            configurations.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(properties)));
        }
        return configurations;
    }
}
