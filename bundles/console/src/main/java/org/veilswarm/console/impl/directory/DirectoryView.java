package org.veilswarm.console.impl.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.console.impl.http.ApiException;

/**
 * The JSON of {@code GET /api/directory} (docs/console.md): the directory schemes installed, which one the onion
 * transport uses, what each knows ({@link DirectoryStatus}), and one page of the active scheme's relays from its
 * {@link RelayList}. Everything comes from the directory SPI; what it does not carry is listed under
 * {@code unavailable}, never guessed.
 */
public final class DirectoryView {

    /** Service property values the console passes in with each scheme. */
    public record Bound(String name, long serviceId, DirectoryScheme scheme) {
    }

    /**
     * Which relays to list.
     *
     * @param scheme the scheme whose relays to list; empty: the active one
     * @param flag only relays with this flag
     * @param offset relays to skip (in the list's order, ascending identity)
     * @param limit relays at most on this page
     */
    public record RelayQuery(Optional<String> scheme, RelayFlag flag, int offset, int limit) {
        public static final int MAX_LIMIT = 500;
        public static final int DEFAULT_LIMIT = 50;

        /** Parses the query parameters; every refusal names the parameter. */
        public static RelayQuery parse(String scheme, String flag, String offset, String limit) throws ApiException {
            RelayFlag parsedFlag = RelayFlag.RUNNING;
            if (flag != null) {
                try {
                    parsedFlag = RelayFlag.valueOf(flag.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("flag must be one of " + List.of(RelayFlag.values()) + ", got '"
                            + abbreviate(flag) + "'");
                }
            }
            int parsedOffset = number("offset", offset, 0, 0, Integer.MAX_VALUE);
            int parsedLimit = number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
            return new RelayQuery(scheme == null || scheme.isBlank() ? Optional.empty() : Optional.of(scheme.trim()),
                    parsedFlag, parsedOffset, parsedLimit);
        }

        private static int number(String name, String text, int otherwise, int min, int max) throws ApiException {
            if (text == null) {
                return otherwise;
            }
            try {
                long value = Long.parseLong(text.trim());
                if (value >= min && value <= max) {
                    return (int) value;
                }
            } catch (NumberFormatException e) {
                // refused below with the range
            }
            throw ApiException.badRequest(name + " must be an integer from " + min + " to " + max + ", got '"
                    + abbreviate(text) + "'");
        }
    }

    /** What the directory SPI's DirectoryStatus does not carry (yet), with the reason shown to operators. */
    static final Map<String, String> UNAVAILABLE = Map.of(
            "validFrom", "DirectoryStatus carries only validUntil",
            "signatures", "DirectoryStatus carries no signature counts (its detail line names them)",
            "lastFetch", "DirectoryStatus does not say when or from where the directory was fetched",
            "merkleRoot", "DirectoryStatus does not carry the merkle header (its detail line names it)");

    private final Duration relayWait;

    /** @param relayWait how long to wait for a scheme's relay list before answering without it */
    public DirectoryView(Duration relayWait) {
        this.relayWait = relayWait;
    }

    /**
     * @param schemes every bound scheme
     * @param relayLists scheme name → its relay list, for the schemes that register one
     * @param configured the onion transport's configured {@code directoryScheme}, if set
     */
    public Map<String, Object> json(List<Bound> schemes, Map<String, RelayList> relayLists, Optional<String> configured,
            RelayQuery query) throws ApiException {
        List<Bound> ordered = new ArrayList<>(schemes);
        ordered.sort(Comparator.comparingLong(Bound::serviceId));
        Optional<Bound> active = configured.isPresent()
                ? ordered.stream().filter(b -> b.name().equals(configured.get())).findFirst()
                : ordered.stream().findFirst();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("active", active.map(Bound::name).orElse(null));
        json.put("activeBecause", because(ordered, active, configured));
        List<Map<String, Object>> described = new ArrayList<>();
        for (Bound bound : ordered) {
            described.add(scheme(bound, active.filter(a -> a == bound).isPresent()));
        }
        json.put("schemes", described);
        Optional<String> listed = query.scheme().or(() -> active.map(Bound::name));
        if (query.scheme().isPresent() && ordered.stream().noneMatch(b -> b.name().equals(query.scheme().get()))) {
            throw ApiException.notFound("no directory scheme '" + abbreviate(query.scheme().get()) + "' is installed;"
                    + " installed: " + ordered.stream().map(Bound::name).toList());
        }
        json.put("relayList", listed.map(name -> relays(name, relayLists.get(name), query)).orElse(null));
        json.put("unavailable", new java.util.TreeMap<>(UNAVAILABLE));
        return json;
    }

    private static String because(List<Bound> ordered, Optional<Bound> active, Optional<String> configured) {
        if (configured.isPresent()) {
            return active.isPresent()
                    ? "configured for the onion transport (org.veilswarm.transport.onion directoryScheme)"
                    : "the onion transport is configured for '" + configured.get() + "', which is not installed;"
                            + " installed: " + ordered.stream().map(Bound::name).toList();
        }
        if (ordered.isEmpty()) {
            return "no directory scheme is installed (features directory-consensus or directory-merkle)";
        }
        return ordered.size() == 1 ? "the only scheme installed"
                : "no scheme configured for the onion transport: the first installed";
    }

    private static Map<String, Object> scheme(Bound bound, boolean active) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scheme", bound.name());
        json.put("active", active);
        try {
            DirectoryStatus status = bound.scheme().status();
            json.put("ready", status.ready());
            json.put("relays", status.relays());
            json.put("validUntil", status.validUntil().map(Object::toString).orElse(null));
            json.put("detail", status.detail());
        } catch (RuntimeException e) {
            // A scheme stopping while we ask: say so in its row rather than failing the whole page.
            json.put("ready", false);
            json.put("relays", 0);
            json.put("validUntil", null);
            json.put("detail", "status not available: " + e);
        }
        return json;
    }

    private Map<String, Object> relays(String scheme, RelayList list, RelayQuery query) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scheme", scheme);
        json.put("flag", query.flag().name());
        json.put("offset", query.offset());
        json.put("limit", query.limit());
        if (list == null) {
            json.put("total", null);
            json.put("items", List.of());
            json.put("error", "the " + scheme + " scheme registers no relay list");
            return json;
        }
        List<RelayDescriptor> all;
        try {
            all = list.relaysWith(query.flag()).toCompletableFuture().get(relayWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(json, "interrupted");
        } catch (ExecutionException e) {
            return failed(json, e.getCause() == null ? e.toString() : e.getCause().getMessage());
        } catch (TimeoutException e) {
            return failed(json, "the relay list did not answer within " + relayWait.toSeconds() + " s");
        }
        json.put("total", all.size());
        int from = (int) Math.min(all.size(), query.offset());
        int to = (int) Math.min(all.size(), (long) from + query.limit());
        json.put("items", all.subList(from, to).stream().map(DirectoryView::relay).toList());
        json.put("error", null);
        return json;
    }

    private static Map<String, Object> failed(Map<String, Object> json, String why) {
        json.put("total", null);
        json.put("items", List.of());
        json.put("error", why);
        return json;
    }

    /** One relay; the identity as in tor's descriptors (base64 without padding, dir-spec §1.2). */
    static Map<String, Object> relay(RelayDescriptor relay) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("identity", Base64.getEncoder().withoutPadding().encodeToString(relay.identity()));
        json.put("orAddresses", relay.orAddresses().stream()
                .map(a -> a.getHostString() + ":" + a.getPort()).toList());
        json.put("flags", relay.flags().stream().map(Enum::name).sorted().toList());
        json.put("bandwidthObserved", relay.bandwidthObserved());
        json.put("bandwidthConfigured", relay.bandwidthConfigured());
        json.put("version", relay.version());
        json.put("published", relay.published().toString());
        return json;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
