package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.NodeInfo;
import org.veilswarm.api.node.NodeStatus;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.itests.support.Await;
import org.veilswarm.itests.support.Feature;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.ResolvedArtifacts;
import org.veilswarm.itests.support.NodeIT;

/**
 * The first integration test (DESIGN.md §6): the distribution's default features (core, console,
 * transport-direct, tracker, share: what {@code veilswarm run} starts) booted in Felix resolve completely,
 * every bundle starts, every DS component is satisfied, and the node comes up with a valid identity and an
 * honest status.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionResolvesIT extends NodeIT {

    /**
     * The launcher's default feature list (LauncherSettings.DEFAULT_FEATURES). Without share, the console's
     * Shares/Downloads servlets stay unsatisfied by design (the API answers 503), which this test would report.
     */
    @Override
    @org.ops4j.pax.exam.Configuration
    public org.ops4j.pax.exam.Option[] config() {
        return org.veilswarm.itests.support.VeilswarmOptions.node(getClass(), "core", "console", "transport-direct",
                "tracker-journal", "share");
    }


    @Test
    public void everyBundleIsActiveAndEveryFragmentResolved() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = NodeContext.isFragment(bundle);
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                StringBuilder problem = new StringBuilder().append(bundle.getSymbolicName()).append(' ')
                        .append(bundle.getVersion()).append(" is ").append(NodeContext.state(bundle.getState()))
                        .append(", expected ").append(NodeContext.state(expected)).append(" (").append(bundle.getLocation()).append(')');
                if (bundle.getState() == Bundle.INSTALLED) {
                    problem.append("; missing requirements:");
                    node.missingRequirements(bundle).forEach(r -> problem.append("\n      ").append(r));
                }
                problems.add(problem.toString());
            }
        }
        assertTrue("bundles not in their expected state:\n  " + String.join("\n  ", problems) + "\n" + node.describeBundles(),
                problems.isEmpty());
    }

    @Test
    public void theContainerHoldsExactlyTheFeaturesBundles() throws IOException {
        // Locations are the jar files VeilswarmOptions provisioned; Pax Exam's own bundles come from link: URLs
        // and its probe from an input stream ("local").
        ResolvedArtifacts artifacts = ResolvedArtifacts.load();
        Set<String> expected = new TreeSet<>();
        for (Feature feature : node.features()) {
            for (Feature.Bundle b : feature.bundles()) {
                expected.add(artifacts.jar(b).toUri().toString());
            }
        }
        Set<String> installed = new TreeSet<>();
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (location.startsWith("file:")) {
                installed.add(location);
            }
        }
        assertEquals("installed bundles differ from the features' list", expected, installed);
        for (String bsn : List.of("org.veilswarm.api", "org.veilswarm.crypto", "org.veilswarm.node",
                "org.veilswarm.console", "org.veilswarm.direct")) {
            assertTrue(bsn + " is in no feature\n" + node.describeBundles(), node.bundle(bsn) != null);
        }
    }

    @Test
    public void everyComponentIsActiveOrSatisfied() {
        ServiceComponentRuntime scr = node.awaitService(ServiceComponentRuntime.class, null, NodeContext.TIMEOUT);
        // Components settle asynchronously (configuration arrives, references bind): wait, then report.
        Await.until("every DS component to be ACTIVE or SATISFIED", NodeContext.TIMEOUT,
                () -> componentProblems(scr).isEmpty(), () -> "\n  " + String.join("\n  ", componentProblems(scr)));
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs();
        assertTrue("SCR knows no Veilswarm component at all", descriptions.stream()
                .anyMatch(d -> d.bundle.symbolicName.startsWith("org.veilswarm.")));
    }

    /** One line per component that is not ACTIVE or SATISFIED, with what it waits for. */
    private static List<String> componentProblems(ServiceComponentRuntime scr) {
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            String name = description.name + " (bundle " + description.bundle.symbolicName + ")";
            if (!scr.isComponentEnabled(description)) {
                problems.add(name + " is disabled" + (description.defaultEnabled ? "" : " (enabled=\"false\" in its description)"));
                continue;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                problems.add(name + " has no configuration: configuration-policy " + description.configurationPolicy
                        + ", PIDs " + String.join(",", description.configurationPid));
            }
            for (ComponentConfigurationDTO c : configurations) {
                switch (c.state) {
                    case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> {
                    }
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                        StringBuilder line = new StringBuilder(name).append(" has unsatisfied references:");
                        for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                            line.append(' ').append(r.name).append(" (").append(interfaceOf(description, r.name))
                                    .append(r.target == null ? "" : " target " + r.target).append(')');
                        }
                        problems.add(line.toString());
                    }
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> problems.add(name
                            + " waits for configuration " + String.join(",", description.configurationPid));
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> problems.add(name + " failed to activate: " + c.failure);
                    default -> problems.add(name + " is in state " + c.state);
                }
            }
        }
        return problems;
    }

    private static String interfaceOf(ComponentDescriptionDTO description, String reference) {
        for (var r : description.references) {
            if (r.name.equals(reference)) {
                return r.interfaceName;
            }
        }
        return "?";
    }

    @Test
    public void nodeIdentityIsAValidOnionAddressBackedByAnOwnerOnlyKey() throws IOException {
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        OnionAddress address = identity.address();
        String host = address.hostName();
        assertTrue(host + " is not a v3 onion address", OnionAddress.isValid(host));
        assertEquals(OnionAddress.LABEL_LENGTH + OnionAddress.SUFFIX.length(), host.length());
        assertEquals("the address is not derived from the identity's public key (rend-spec-v3 §6)",
                OnionAddress.fromPublicKey(identity.publicKey()), address);
        assertEquals(address, identity.serviceKey().address());

        byte[] message = "veilswarm itest".getBytes(StandardCharsets.UTF_8);
        byte[] signature = identity.sign(message);
        assertTrue("the identity's signature does not verify", identity.verify(identity.publicKey(), message, signature));
        signature[0] ^= 1;
        assertFalse("a tampered signature verifies", identity.verify(identity.publicKey(), message, signature));

        // Data directory contract: keys/identity.ed25519, the 32-byte seed, 0600 in a 0700 directory.
        Path key = node.dataDirectory().resolve("keys/identity.ed25519");
        assertTrue(key + " is missing", Files.isRegularFile(key));
        assertEquals("seed length", 32, Files.size(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        assertFalse("the identity exposes its secret seed as the public key",
                java.util.Arrays.equals(Files.readAllBytes(key), identity.publicKey()));
        assertArrayEquals(address.publicKey(), identity.publicKey());
    }

    @Test
    public void statusListsTheDirectTransportAndWarnsThatItIsNotAnonymous() {
        NodeInfo info = node.awaitService(NodeInfo.class, null, NodeContext.TIMEOUT);
        NodeIdentity identity = node.awaitService(NodeIdentity.class, null, NodeContext.TIMEOUT);
        assertEquals(node.dataDirectory().toAbsolutePath().normalize(), info.dataDirectory().toAbsolutePath().normalize());
        Await.until("the status to list the direct transport", NodeContext.TIMEOUT,
                () -> info.status().transports().contains("direct"), () -> String.valueOf(info.status()));
        NodeStatus status = info.status();
        assertEquals(identity.address(), status.address());
        assertTrue("no NOT ANONYMOUS warning while the only transport is direct: " + status.warnings(),
                status.warnings().stream().anyMatch(w -> w.contains("NOT ANONYMOUS")));
    }
}
