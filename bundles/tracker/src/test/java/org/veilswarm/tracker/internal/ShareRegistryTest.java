package org.veilswarm.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.tracker.api.TrackerShare;

/** The share table's ownership of mirrored copies: a copy belongs to the mirror that made it. */
class ShareRegistryTest {
    static final InfoHash FIRST = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash OTHER = InfoHash.ofHex("89abcdef0123456789abcdef0123456789abcdef");
    static final String TOKEN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private final ShareRegistry shares = new ShareRegistry(new SecureRandom(), List::of);

    @Test
    void anotherMirrorCannotReplaceOrRevokeAMirroredCopy() {
        assertTrue(shares.restoreMirrored("mirror-1", TOKEN, Visibility.PUBLIC, Set.of(FIRST)));
        assertFalse(shares.restoreMirrored("mirror-2", TOKEN, Visibility.PUBLIC, Set.of(OTHER)),
                "a second mirror of the same token is refused");
        assertEquals(Set.of(FIRST), shares.find(TOKEN).orElseThrow().infoHashes());

        shares.revokeMirrored("mirror-2", TOKEN);
        assertTrue(shares.find(TOKEN).isPresent(), "only the owning mirror revokes its copy");

        assertTrue(shares.restoreMirrored("mirror-1", TOKEN, Visibility.PUBLIC, Set.of(FIRST, OTHER)),
                "the owning mirror updates its copy");
        assertEquals(Set.of(FIRST, OTHER), shares.find(TOKEN).orElseThrow().infoHashes());
        shares.revokeMirrored("mirror-1", TOKEN);
        assertTrue(shares.find(TOKEN).isEmpty());
    }

    @Test
    void aNodesOwnShareWinsOverEveryMirror() {
        TrackerShare own = shares.restore(TOKEN, Visibility.PRIVATE, Set.of(FIRST));
        assertFalse(shares.restoreMirrored("mirror-1", TOKEN, Visibility.PUBLIC, Set.of(OTHER)));
        shares.revokeMirrored("mirror-1", TOKEN);
        assertEquals(own, shares.find(TOKEN).orElseThrow());
    }
}
