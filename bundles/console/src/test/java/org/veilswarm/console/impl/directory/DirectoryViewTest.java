package org.veilswarm.console.impl.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.console.impl.http.ApiException;

class DirectoryViewTest {

    /** An in-memory scheme: only its status is read by the view. */
    private record FixedScheme(String name, DirectoryStatus status) implements DirectoryScheme {
        @Override
        public RelaySampler sampler() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ChannelInitializer<Channel>> directoryService() {
            return Optional.empty();
        }
    }

    private static RelayDescriptor relay(int n, Set<RelayFlag> flags) {
        byte[] identity = new byte[32];
        identity[31] = (byte) n;
        return new RelayDescriptor(identity, new byte[32], List.of(new InetSocketAddress("127.0.0.1", 9000 + n)),
                1024L * n, 0, Set.of(), "veilswarm-onion-1", flags, Instant.parse("2026-11-22T08:00:00Z"));
    }

    private static final Instant UNTIL = Instant.parse("2026-11-22T09:00:00Z");
    private final DirectoryView view = new DirectoryView(Duration.ofSeconds(2));
    private final FixedScheme consensus = new FixedScheme("consensus",
            new DirectoryStatus("consensus", true, 7, Optional.of(UNTIL), "consensus of 7 relays signed by 3 authorities"));
    private final FixedScheme merkle = new FixedScheme("merkle",
            new DirectoryStatus("merkle", false, 0, Optional.empty(), "no verified header yet (0 directories marked bad)"));

    private RelayList sevenRelays() {
        List<RelayDescriptor> relays = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            relays.add(relay(i, i % 2 == 0 ? Set.of(RelayFlag.RUNNING, RelayFlag.HSDIR) : Set.of(RelayFlag.RUNNING)));
        }
        return flag -> CompletableFuture.completedFuture(relays.stream().filter(r -> r.flags().contains(flag)).toList());
    }

    @SuppressWarnings("unchecked")
    @Test
    void theConfiguredSchemeIsActiveWithItsStatusAndOnePageOfRelays() throws ApiException {
        Map<String, Object> json = view.json(
                List.of(new DirectoryView.Bound("merkle", 12, merkle), new DirectoryView.Bound("consensus", 30, consensus)),
                Map.of("consensus", sevenRelays()), Optional.of("consensus"),
                DirectoryView.RelayQuery.parse(null, null, "5", "3"));
        assertEquals("consensus", json.get("active"));
        assertTrue(json.get("activeBecause").toString().contains("configured"), json.toString());
        List<Map<String, Object>> schemes = (List<Map<String, Object>>) json.get("schemes");
        assertEquals(List.of("merkle", "consensus"), schemes.stream().map(s -> s.get("scheme")).toList());
        Map<String, Object> active = schemes.get(1);
        assertEquals(true, active.get("active"));
        assertEquals(true, active.get("ready"));
        assertEquals(7, active.get("relays"));
        assertEquals(UNTIL.toString(), active.get("validUntil"));
        assertEquals(false, schemes.get(0).get("ready"));

        Map<String, Object> list = (Map<String, Object>) json.get("relayList");
        assertEquals(7, list.get("total"));
        List<Map<String, Object>> items = (List<Map<String, Object>>) list.get("items");
        assertEquals(2, items.size(), "offset 5 of 7: the last two");
        assertEquals(List.of("127.0.0.1:9006"), items.get(0).get("orAddresses"));
        assertEquals(43, items.get(0).get("identity").toString().length(), "32 bytes, base64 without padding");
        assertEquals(List.of("HSDIR", "RUNNING"), items.get(0).get("flags"));

        Map<String, Object> hsdirs = (Map<String, Object>) view.json(List.of(new DirectoryView.Bound("consensus", 30,
                consensus)), Map.of("consensus", sevenRelays()), Optional.empty(),
                DirectoryView.RelayQuery.parse("consensus", "hsdir", null, null)).get("relayList");
        assertEquals(3, hsdirs.get("total"));
        assertEquals("HSDIR", hsdirs.get("flag"));
    }

    @SuppressWarnings("unchecked")
    @Test
    void withoutConfigurationTheFirstInstalledIsActiveAndMissingPiecesAreSaidNotGuessed() throws ApiException {
        RelayList failing = flag -> CompletableFuture.failedFuture(new DirectoryException("no verified header yet"));
        Map<String, Object> json = view.json(
                List.of(new DirectoryView.Bound("consensus", 30, consensus), new DirectoryView.Bound("merkle", 12, merkle)),
                Map.of("merkle", failing), Optional.empty(), DirectoryView.RelayQuery.parse(null, null, null, null));
        assertEquals("merkle", json.get("active"), "lowest service id first");
        Map<String, Object> list = (Map<String, Object>) json.get("relayList");
        assertNull(list.get("total"));
        assertEquals("no verified header yet", list.get("error"));
        assertTrue(((Map<String, String>) json.get("unavailable")).containsKey("validFrom"));

        Map<String, Object> none = view.json(List.of(), Map.of(), Optional.of("merkle"),
                DirectoryView.RelayQuery.parse(null, null, null, null));
        assertNull(none.get("active"));
        assertNull(none.get("relayList"));
        assertTrue(none.get("activeBecause").toString().contains("not installed"), none.toString());

        Map<String, Object> noList = (Map<String, Object>) view.json(List.of(new DirectoryView.Bound("consensus", 1,
                consensus)), Map.of(), Optional.empty(), DirectoryView.RelayQuery.parse(null, null, null, null))
                .get("relayList");
        assertTrue(noList.get("error").toString().contains("registers no relay list"), noList.toString());
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertEquals(400, assertThrows(ApiException.class,
                () -> DirectoryView.RelayQuery.parse(null, "EXIT", null, null)).status());
        ApiException limit = assertThrows(ApiException.class, () -> DirectoryView.RelayQuery.parse(null, null, null, "0"));
        assertTrue(limit.getMessage().startsWith("limit must be an integer from 1 to 500"), limit.getMessage());
        ApiException offset = assertThrows(ApiException.class,
                () -> DirectoryView.RelayQuery.parse(null, null, "-1", null));
        assertTrue(offset.getMessage().startsWith("offset must be"), offset.getMessage());
        assertThrows(ApiException.class, () -> DirectoryView.RelayQuery.parse(null, null, "x", null));
        ApiException unknown = assertThrows(ApiException.class, () -> view.json(List.of(), Map.of(), Optional.empty(),
                DirectoryView.RelayQuery.parse("nosuch", null, null, null)));
        assertEquals(404, unknown.status());
    }
}
