package org.veilswarm.console.impl.settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;


import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.veilswarm.console.impl.http.JsonObject;
import org.veilswarm.api.node.NodeInfo;

/**
 * The node settings of {@code /api/settings}, read from and written to Configuration Admin (OSGi Compendium
 * ch. 104). Configuration Admin persists them in {@code <data>/config/} and hands them to the owning bundles,
 * which apply them as they do any configuration change, now or whenever they start.
 */
@Component(service = {NodeSettings.class, DefaultDownloadDirectory.class, ConfiguredProperties.class})
public final class NodeSettings implements DefaultDownloadDirectory, ConfiguredProperties {

    /**
     * Not bound to any bundle ({@code "?"}, multi-location, 104.4.1): whichever bundle provides the PID gets it,
     * as with the launcher's configurations. A null location would bind it to the first bundle that asks.
     */
    private static final String ANY_LOCATION = "?";

    private final ConfigurationAdmin admin;
    private final SettingsCatalog catalog;
    private final SettingsValidator validator;

    @Activate
    public NodeSettings(@Reference ConfigurationAdmin admin, BundleContext context) {
        this(admin, dataDirectory(context), port(context.getProperty("org.osgi.service.http.port")));
    }

    NodeSettings(ConfigurationAdmin admin, Path dataDirectory, OptionalInt consolePort) {
        this.admin = admin;
        this.catalog = new SettingsCatalog(dataDirectory);
        this.validator = new SettingsValidator(catalog, consolePort);
    }

    public SettingsCatalog catalog() {
        return catalog;
    }

    /** Setting name → the value in effect (the configured one, else the owning bundle's default). */
    public Map<String, Object> values() throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting setting : catalog.settings()) {
            Object configured = configured(setting);
            values.put(setting.name(), configured == null ? setting.defaultValue() : configured);
        }
        return values;
    }

    /** Each setting with its value, default, limits and whether it is configured or the default. */
    public List<Map<String, Object>> describe() throws IOException {
        List<Map<String, Object>> described = new ArrayList<>();
        for (Setting setting : catalog.settings()) {
            Object configured = configured(setting);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", setting.name());
            json.put("label", setting.label());
            json.put("type", setting.typeName());
            json.put("value", configured == null ? setting.defaultValue() : configured);
            json.put("default", setting.defaultValue());
            json.put("configured", configured != null);
            if (setting.type() == Setting.Type.INTEGER) {
                json.put("min", setting.min());
                json.put("max", setting.max());
            } else if (setting.type() == Setting.Type.CHOICE) {
                json.put("options", setting.options());
            } else {
                json.put("maxLength", setting.max());
            }
            json.put("pid", setting.pid());
            json.put("property", setting.property());
            json.put("description", setting.description());
            described.add(json);
        }
        return described;
    }

    /** Where downloads go when the request names no directory. */
    @Override
    public Path downloadDirectory() throws IOException {
        return Path.of((String) values().get(SettingsCatalog.DOWNLOAD_DIRECTORY));
    }

    /**
     * Checks every field of {@code body} and, only if all pass, writes them, one configuration update per PID.
     *
     * @return the names of the settings changed
     */
    public synchronized List<String> update(JsonObject body) throws SettingsException, IOException {
        Map<Setting, Object> changes = validator.validate(body, values());
        Map<String, Map<Setting, Object>> byPid = new LinkedHashMap<>();
        changes.forEach((s, v) -> byPid.computeIfAbsent(s.pid(), p -> new LinkedHashMap<>()).put(s, v));
        for (Map.Entry<String, Map<Setting, Object>> pid : byPid.entrySet()) {
            Configuration configuration = admin.getConfiguration(pid.getKey(), ANY_LOCATION);
            Dictionary<String, Object> existing = configuration.getProperties();
            Dictionary<String, Object> properties = existing == null ? new Hashtable<>() : existing;
            pid.getValue().forEach((setting, value) -> {
                if (value == null) {
                    properties.remove(setting.property());
                } else {
                    properties.put(setting.property(), value);
                }
            });
            // Unchanged values are not written, so the owning component is not restarted for nothing (104.15.3).
            configuration.updateIfDifferent(properties);
        }
        return changes.keySet().stream().map(Setting::name).toList();
    }

    /** Listed, not fetched: listConfigurations creates nothing. */
    @Override
    public java.util.Optional<Object> configuredProperty(String pid, String property) throws IOException {
        Configuration[] found;
        try {
            found = admin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + pid + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a plain PID: " + pid, e);
        }
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(found[0].getProperties().get(property));
    }

    private Object configured(Setting setting) throws IOException {
        Configuration[] found;
        try {
            // listConfigurations creates nothing, unlike getConfiguration.
            found = admin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + setting.pid() + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("PIDs in the catalog are plain names: " + setting.pid(), e);
        }
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            return null;
        }
        Object value = found[0].getProperties().get(setting.property());
        if (value == null) {
            return null;
        }
        // Values written by hand (a .cfg file, the web console) may be strings or longs.
        if (setting.type() == Setting.Type.INTEGER) {
            try {
                return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                return value.toString();
            }
        }
        return value.toString();
    }

    private static Path dataDirectory(BundleContext context) {
        String data = context.getProperty(NodeInfo.DATA_DIRECTORY_PROPERTY);
        return data == null || data.isBlank() ? Path.of(System.getProperty("user.home"), ".veilswarm").toAbsolutePath()
                : Path.of(data).toAbsolutePath();
    }

    private static OptionalInt port(String property) {
        try {
            return property == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(property.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
