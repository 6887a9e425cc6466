package org.veilswarm.console.impl.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

class ComponentJsonTest {

    private static ComponentDescriptionDTO description(String name, ReferenceDTO... references) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.bundle = new BundleDTO();
        d.bundle.id = 7;
        d.bundle.symbolicName = "org.example";
        d.implementationClass = "org.example." + name;
        d.configurationPolicy = "optional";
        d.references = references;
        return d;
    }

    private static ReferenceDTO reference(String name, String iface) {
        ReferenceDTO r = new ReferenceDTO();
        r.name = name;
        r.interfaceName = iface;
        return r;
    }

    private static ComponentConfigurationDTO configuration(int state, UnsatisfiedReferenceDTO... unsatisfied) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.unsatisfiedReferences = unsatisfied;
        return c;
    }

    private static UnsatisfiedReferenceDTO unsatisfied(String name, String target) {
        UnsatisfiedReferenceDTO u = new UnsatisfiedReferenceDTO();
        u.name = name;
        u.target = target;
        return u;
    }

    @Test
    void activeComponent() {
        Map<String, Object> json = ComponentJson.component(description("Good"),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE)), true);
        assertEquals("Good", json.get("name"));
        assertEquals(7L, json.get("bundleId"));
        assertEquals("ACTIVE", json.get("state"));
        assertEquals(List.of("ACTIVE"), json.get("states"));
        assertEquals(List.of(), json.get("unsatisfiedReferences"));
        assertNull(json.get("failure"));
    }

    @Test
    void unsatisfiedReferencesNameTheirInterfaceAndTarget() {
        Map<String, Object> json = ComponentJson.component(
                description("Waiting", reference("transport", "org.veilswarm.api.transport.Transport")),
                List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE,
                        unsatisfied("transport", "(transport.scheme=onion)"))), true);
        assertEquals("UNSATISFIED_REFERENCE", json.get("state"));
        assertEquals(List.of(Map.of("name", "transport", "interface", "org.veilswarm.api.transport.Transport",
                "target", "(transport.scheme=onion)")), json.get("unsatisfiedReferences"));
    }

    @Test
    void theSummaryIsTheWorstConfigurationState() {
        ComponentConfigurationDTO failed = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION);
        failed.failure = "java.lang.IllegalStateException: boom";
        Map<String, Object> json = ComponentJson.component(description("Factory"),
                List.of(configuration(ComponentConfigurationDTO.ACTIVE), failed,
                        configuration(ComponentConfigurationDTO.SATISFIED)), true);
        assertEquals("FAILED_ACTIVATION", json.get("state"));
        assertEquals(List.of("ACTIVE", "FAILED_ACTIVATION", "SATISFIED"), json.get("states"));
        assertEquals("java.lang.IllegalStateException: boom", json.get("failure"));
    }

    @Test
    void withoutConfigurations() {
        ComponentDescriptionDTO needsConfig = description("NeedsConfig");
        needsConfig.configurationPolicy = "require";
        assertEquals("UNSATISFIED_CONFIGURATION",
                ComponentJson.component(needsConfig, List.of(), true).get("state"));
        assertEquals("DISABLED", ComponentJson.component(description("Off"), List.of(), false).get("state"));
    }

    @Test
    void stateNames() {
        assertEquals("SATISFIED", ComponentJson.stateName(ComponentConfigurationDTO.SATISFIED));
        assertEquals("UNSATISFIED_CONFIGURATION",
                ComponentJson.stateName(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION));
        assertEquals("UNKNOWN(99)", ComponentJson.stateName(99));
    }
}
