package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.veilswarm.launcher.internal.ConsoleUrlFile;

/**
 * One look at a starting testnet, through what every node already offers (no endpoint of its own): the
 * console ({@code <data>/console.url}, {@code GET /api/node}), the node's Declarative Services components
 * ({@code GET /api/components}: the onion transport, the directory scheme and, on authorities, the authority
 * must be active), and the directory itself (each authority's consensus, {@link ConsensusProbe}).
 *
 * <p>The testnet is ready when every console answers, every one of those components is active, every
 * authority serves a consensus that is valid now, is signed by a majority of the authorities, and lists the
 * ORPort of every node, and every node's own directory ({@code GET /api/directory}: the testnet's scheme, ready)
 * lists every node too: then any node can pick every other as a relay and build circuits. The last condition
 * matters because a node may still hold a consensus it fetched before all relays were listed; until it fetches
 * the next one it cannot build the paths an onion service needs ("could not supply a GUARD relay"), and a share
 * made right after "ready" waited half a minute for it.
 */
final class TestnetReadiness {

    static final String ONION_COMPONENT = "org.veilswarm.transport.onion.internal.OnionTransportComponent";
    static final String AUTHORITY_COMPONENT = "org.veilswarm.directory.authority.impl.DirectoryAuthorityComponent";
    static final Map<String, String> SCHEME_COMPONENTS = Map.of(
            "consensus", "org.veilswarm.directory.consensus.impl.ConsensusDirectoryScheme",
            "merkle", "org.veilswarm.directory.merkle.impl.MerkleDirectoryScheme");
    private static final Set<String> GOOD_STATES = Set.of("ACTIVE", "SATISFIED");

    /** What one node shows: its onion address once its console answers, and the components not (yet) active. */
    record NodeView(Optional<String> address, Optional<String> consoleUrl, List<String> componentsNotActive,
            Optional<String> problem, int directoryRelays) {
        NodeView(Optional<String> address, Optional<String> consoleUrl, List<String> componentsNotActive,
                Optional<String> problem) {
            this(address, consoleUrl, componentsNotActive, problem, 0);
        }

        boolean consoleUp() {
            return address.isPresent();
        }

        boolean componentsActive() {
            return consoleUp() && componentsNotActive.isEmpty();
        }

        /** Whether the node's own directory lists {@code relays} relays or more. */
        boolean directoryLists(int relays) {
            return componentsActive() && directoryRelays >= relays;
        }
    }

    /** The whole testnet at one moment. */
    record View(Map<TestnetPlan.Node, NodeView> nodes, Map<TestnetPlan.Node, String> authorities,
            int relaysListed, int bestSignatures, List<String> unlisted, boolean directoryReady) {
        long consolesUp() {
            return nodes.values().stream().filter(NodeView::consoleUp).count();
        }

        long componentsActive() {
            return nodes.values().stream().filter(NodeView::componentsActive).count();
        }

        /** Nodes whose own directory lists every node of the testnet. */
        long directoriesComplete() {
            return nodes.values().stream().filter(n -> n.directoryLists(nodes.size())).count();
        }

        boolean ready() {
            return consolesUp() == nodes.size() && componentsActive() == nodes.size() && directoryReady
                    && directoriesComplete() == nodes.size();
        }
    }

    private final TestnetPlan plan;
    private final ConsensusProbe consensus;
    private final Map<TestnetPlan.Node, RunningNodeClient> clients = new java.util.HashMap<>();

    TestnetReadiness(TestnetPlan plan) throws IOException {
        this.plan = plan;
        Set<String> keys = new HashSet<>();
        for (TestnetPlan.Node a : plan.authorities()) {
            keys.add(Files.readString(a.directory().resolve(TestnetPlan.AUTHORITY_KEY_FILE + ".pub"),
                    StandardCharsets.US_ASCII).trim());
        }
        this.consensus = new ConsensusProbe(keys);
    }

    View look() throws InterruptedException {
        Map<TestnetPlan.Node, NodeView> nodes = new LinkedHashMap<>();
        for (TestnetPlan.Node n : plan.nodes) {
            nodes.put(n, node(n));
        }
        Map<TestnetPlan.Node, String> authorities = new LinkedHashMap<>();
        Instant now = Instant.now();
        boolean allGood = true;
        int relays = Integer.MAX_VALUE;
        int signatures = Integer.MAX_VALUE;
        Set<String> unlisted = new java.util.TreeSet<>();
        for (TestnetPlan.Node a : plan.authorities()) {
            try {
                ConsensusProbe.Consensus c = consensus.fetch(a.dirPort());
                relays = Math.min(relays, c.orAddresses().size());
                signatures = Math.min(signatures, c.signers().size());
                List<String> missing = new ArrayList<>();
                for (TestnetPlan.Node n : plan.nodes) {
                    if (!c.orAddresses().contains("127.0.0.1:" + n.orPort())) {
                        missing.add(n.name());
                    }
                }
                unlisted.addAll(missing);
                boolean good = c.validAt(now) && c.signers().size() >= plan.majority() && missing.isEmpty();
                allGood &= good;
                authorities.put(a, c.orAddresses().size() + " relays, " + c.signers().size() + "/"
                        + plan.authorityCount + " signatures" + (c.validAt(now) ? "" : ", not valid now"));
            } catch (IOException e) {
                allGood = false;
                relays = 0;
                signatures = 0;
                authorities.put(a, "no consensus yet (" + (e instanceof java.net.ConnectException
                        ? "not listening yet" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + ")");
            }
        }
        if (authorities.isEmpty()) {
            relays = 0;
            signatures = 0;
        }
        return new View(nodes, authorities, relays == Integer.MAX_VALUE ? 0 : relays,
                signatures == Integer.MAX_VALUE ? 0 : signatures, List.copyOf(unlisted), allGood);
    }

    private NodeView node(TestnetPlan.Node n) {
        Optional<ConsoleUrlFile.ConsoleUrl> url;
        try {
            url = new ConsoleUrlFile(n.directory()).read();
        } catch (IllegalStateException e) {
            return new NodeView(Optional.empty(), Optional.empty(), List.of(), Optional.of(e.getMessage()));
        }
        if (url.isEmpty()) {
            return new NodeView(Optional.empty(), Optional.empty(), List.of(), Optional.of("console not up yet"));
        }
        try {
            // One client per node for the whole wait: each holds an HTTP client and its selector thread.
            RunningNodeClient client = clients.get(n);
            if (client == null || !client.base().equals(url.get().base())) {
                client = RunningNodeClient.forDataDirectory(n.directory());
                clients.put(n, client);
            }
            JsonValue node = client.get("/api/node");
            String address = node instanceof JsonObject o && o.get("address") instanceof JsonString s ? s.getString() : "?";
            JsonValue components = client.get("/api/components");
            List<String> notActive = notActive(n, components);
            int relays = notActive.isEmpty() ? relaysListed(client.get("/api/directory"), plan.scheme) : 0;
            return new NodeView(Optional.of(address), Optional.of(url.get().uri().toString()), notActive,
                    Optional.empty(), relays);
        } catch (CliException e) {
            return new NodeView(Optional.empty(), Optional.empty(), List.of(), Optional.of(e.getMessage()));
        }
    }

    /**
     * The relays a node's directory lists for {@code scheme}, from its {@code GET /api/directory} answer
     * (docs/console.md): 0 when the scheme is missing, not ready, or the answer is not what that page describes.
     */
    static int relaysListed(JsonValue directory, String scheme) {
        if (!(directory instanceof JsonObject o) || !(o.get("schemes") instanceof JsonArray schemes)) {
            return 0;
        }
        for (JsonValue v : schemes) {
            if (v instanceof JsonObject s && s.get("scheme") instanceof JsonString name
                    && name.getString().equals(scheme) && s.get("ready") == JsonValue.TRUE
                    && s.get("relays") instanceof jakarta.json.JsonNumber relays) {
                return relays.intValue();
            }
        }
        return 0;
    }

    /** The components node {@code n} needs that are not active, with their state and unsatisfied references. */
    private List<String> notActive(TestnetPlan.Node n, JsonValue components) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(ONION_COMPONENT, "onion transport");
        wanted.put(SCHEME_COMPONENTS.get(plan.scheme), plan.scheme + " directory");
        if (n.authority()) {
            wanted.put(AUTHORITY_COMPONENT, "directory authority");
        }
        Map<String, String> states = new LinkedHashMap<>();
        if (components instanceof JsonArray list) {
            for (JsonValue v : list) {
                if (v instanceof JsonObject c && c.get("implementationClass") instanceof JsonString impl
                        && wanted.containsKey(impl.getString())) {
                    String state = c.getString("state", "?");
                    JsonValue failure = c.get("failure");
                    states.put(impl.getString(), state + (failure instanceof JsonString f ? " (" + f.getString() + ")" : ""));
                }
            }
        }
        List<String> notActive = new ArrayList<>();
        wanted.forEach((impl, label) -> {
            String state = states.get(impl);
            if (state == null) {
                notActive.add(label + ": not installed");
            } else if (!GOOD_STATES.contains(state)) {
                notActive.add(label + ": " + state);
            }
        });
        return notActive;
    }
}
