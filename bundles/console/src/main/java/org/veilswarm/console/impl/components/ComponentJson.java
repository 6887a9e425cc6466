package org.veilswarm.console.impl.components;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Declarative Services components as the REST API shows them, from the runtime's DTOs (OSGi Compendium R8
 * §112.9): one entry per component description, with the state of each of its configurations and, most
 * useful to an operator, the references that keep it from being satisfied.
 */
public final class ComponentJson {

    /** Configuration states from worst to best: the component's summary state is its worst one. */
    private static final List<Integer> SEVERITY = List.of(ComponentConfigurationDTO.FAILED_ACTIVATION,
            ComponentConfigurationDTO.UNSATISFIED_REFERENCE, ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION,
            ComponentConfigurationDTO.SATISFIED, ComponentConfigurationDTO.ACTIVE);

    private ComponentJson() {
    }

    public static List<Map<String, Object>> list(ServiceComponentRuntime runtime) {
        List<Map<String, Object>> components = new ArrayList<>();
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            components.add(component(description, runtime.getComponentConfigurationDTOs(description),
                    runtime.isComponentEnabled(description)));
        }
        components.sort((a, b) -> String.valueOf(a.get("name")).compareTo(String.valueOf(b.get("name"))));
        return components;
    }

    /**
     * {@code {name, bundleId, bundleSymbolicName, implementationClass, enabled, state, states,
     * unsatisfiedReferences:[{name, interface, target}], failure}}
     */
    static Map<String, Object> component(ComponentDescriptionDTO description,
            Collection<ComponentConfigurationDTO> configurations, boolean enabled) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", description.name);
        json.put("bundleId", description.bundle == null ? null : description.bundle.id);
        json.put("bundleSymbolicName", description.bundle == null ? null : description.bundle.symbolicName);
        json.put("implementationClass", description.implementationClass);
        json.put("enabled", enabled);
        List<String> states = new ArrayList<>();
        Map<String, Map<String, Object>> unsatisfied = new LinkedHashMap<>();
        String failure = null;
        int worst = -1;
        for (ComponentConfigurationDTO configuration : configurations) {
            states.add(stateName(configuration.state));
            if (worst < 0 || SEVERITY.indexOf(configuration.state) < SEVERITY.indexOf(worst)) {
                worst = configuration.state;
            }
            if (configuration.unsatisfiedReferences != null) {
                for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                    unsatisfied.computeIfAbsent(reference.name, n -> unsatisfiedReference(description, reference));
                }
            }
            if (failure == null && configuration.failure != null) {
                failure = configuration.failure;
            }
        }
        json.put("state", worst >= 0 ? stateName(worst) : emptyState(description, enabled));
        json.put("states", states);
        json.put("unsatisfiedReferences", new ArrayList<>(unsatisfied.values()));
        json.put("failure", failure);
        return json;
    }

    /** Names of {@link ComponentConfigurationDTO} states. */
    public static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    /** No configuration at all: disabled, or waiting for a required configuration (§112.7.1). */
    private static String emptyState(ComponentDescriptionDTO description, boolean enabled) {
        if (!enabled) {
            return "DISABLED";
        }
        return "require".equals(description.configurationPolicy) ? "UNSATISFIED_CONFIGURATION" : "INACTIVE";
    }

    private static Map<String, Object> unsatisfiedReference(ComponentDescriptionDTO description,
            UnsatisfiedReferenceDTO reference) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", reference.name);
        String iface = null;
        if (description.references != null) {
            for (ReferenceDTO declared : description.references) {
                if (declared.name.equals(reference.name)) {
                    iface = declared.interfaceName;
                }
            }
        }
        json.put("interface", iface);
        json.put("target", reference.target);
        return json;
    }
}
