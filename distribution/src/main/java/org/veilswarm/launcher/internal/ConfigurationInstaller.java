package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.veilswarm.launcher.VeilswarmLaunchException;
import org.veilswarm.launcher.internal.FeatureSet.DefaultConfiguration;

/**
 * Applies configurations through Configuration Admin (OSGi Compendium R8 ch. 104), from the launcher,
 * which shares the {@code org.osgi.service.cm} classes with the framework because the system bundle
 * exports them ({@code org.osgi.framework.system.packages.extra}).
 *
 * <p>Two kinds, applied differently on purpose:
 * <ul>
 * <li>a feature's configuration is a <em>default</em>: created when the PID has no configuration yet, and
 * never touched again, so that changes an operator makes (console, FileInstall {@code .cfg}) survive restarts;</li>
 * <li>an override given to the launcher ({@code Builder.configuration}) is a <em>decision</em> of whoever
 * embeds the node: its keys are written at every start, other keys are kept, and nothing is written when
 * the values are already there ({@code updateIfDifferent}, ch. 104.15.3), so components are not needlessly
 * reconfigured.</li>
 * </ul>
 * Configurations are bound to no bundle location ({@code "?"}, multi-location, 104.4.1), so whichever
 * bundle provides the PID gets them.
 */
public final class ConfigurationInstaller {

    private static final String ANY_LOCATION = "?";
    private static final String FACTORY_SEPARATOR = "~";

    private final BundleContext system;

    public ConfigurationInstaller(BundleContext system) {
        this.system = system;
    }

    /**
     * The Configuration Admin service if one is registered and usable from the launcher.
     *
     * @throws VeilswarmLaunchException if one is registered but uses its own copy of {@code org.osgi.service.cm}
     */
    public Optional<ServiceReference<ConfigurationAdmin>> configurationAdmin() {
        ServiceReference<ConfigurationAdmin> usable = system.getServiceReference(ConfigurationAdmin.class);
        if (usable != null) {
            return Optional.of(usable);
        }
        try {
            ServiceReference<?>[] any = system.getAllServiceReferences(ConfigurationAdmin.class.getName(), null);
            if (any != null && any.length > 0) {
                throw new VeilswarmLaunchException("Configuration Admin (bundle " + any[0].getBundle().getSymbolicName()
                        + ") does not use the launcher's org.osgi.service.cm package, so the launcher cannot apply"
                        + " configurations. The framework property org.osgi.framework.system.packages.extra must"
                        + " export org.osgi.service.cm;version=1.6.0 from the system bundle.");
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("null filter cannot be invalid", e);
        }
        return Optional.empty();
    }

    public void apply(ServiceReference<ConfigurationAdmin> reference, List<DefaultConfiguration> defaults,
            Map<String, Map<String, Object>> overrides) {
        ConfigurationAdmin admin = system.getService(reference);
        try {
            Map<String, DefaultConfiguration> byPid = new LinkedHashMap<>();
            defaults.forEach(d -> byPid.put(d.pid(), d));
            for (DefaultConfiguration d : defaults) {
                Configuration c = configuration(admin, d.pid());
                if (c.getProperties() == null) {
                    Map<String, Object> values = new LinkedHashMap<>(d.values());
                    values.putAll(overrides.getOrDefault(d.pid(), Map.of()));
                    update(c, values, false);
                }
            }
            for (Map.Entry<String, Map<String, Object>> o : overrides.entrySet()) {
                Configuration c = configuration(admin, o.getKey());
                Map<String, Object> values = new LinkedHashMap<>();
                if (c.getProperties() != null) {
                    values.putAll(toMap(c.getProperties()));
                } else if (byPid.containsKey(o.getKey())) {
                    values.putAll(byPid.get(o.getKey()).values());
                }
                values.putAll(o.getValue());
                update(c, values, true);
            }
        } catch (IOException e) {
            throw new VeilswarmLaunchException("Configuration Admin could not store a configuration: " + e.getMessage(), e);
        } finally {
            system.ungetService(reference);
        }
    }

    private static Configuration configuration(ConfigurationAdmin admin, String pid) throws IOException {
        int tilde = pid.indexOf(FACTORY_SEPARATOR);
        if (tilde > 0) {
            return admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), ANY_LOCATION);
        }
        return admin.getConfiguration(pid, ANY_LOCATION);
    }

    private static void update(Configuration c, Map<String, Object> values, boolean onlyIfDifferent) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        values.forEach((k, v) -> {
            if (v == null) {
                throw new VeilswarmLaunchException("Configuration " + c.getPid() + ": key '" + k + "' has no value.");
            }
            properties.put(k, v);
        });
        try {
            if (onlyIfDifferent) {
                c.updateIfDifferent(properties);
            } else {
                c.update(properties);
            }
        } catch (IllegalArgumentException e) {
            throw new VeilswarmLaunchException("Configuration " + c.getPid() + " has a value Configuration Admin does not"
                    + " accept (use String, numbers, Boolean, Character, or arrays/collections of them): "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> d) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (!k.equals(Constants.SERVICE_PID) && !k.equals(ConfigurationAdmin.SERVICE_FACTORYPID)
                    && !k.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION)) {
                map.put(k, d.get(k));
            }
        }
        return map;
    }
}
