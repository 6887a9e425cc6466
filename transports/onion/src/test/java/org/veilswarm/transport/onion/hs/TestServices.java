package org.veilswarm.transport.onion.hs;

import java.util.List;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.X25519;

/** Keys and intro point material for descriptor tests. */
final class TestServices {
    final Ed25519KeyPair identity = Ed25519.generateKeyPair();
    final OnionAddress address = OnionAddress.fromPublicKey(identity.publicKey());

    private TestServices() {
    }

    static TestServices create() {
        return new TestServices();
    }

    HsDescriptorBuilder builder(TimePeriod period) {
        return new HsDescriptorBuilder(identity.publicKey(), identity.expandedSecretKey(), period);
    }

    static HsDescriptorBuilder.IntroPointSpec introPoint() {
        byte[] links = IntroPoint.encodeLinkSpecifiers(List.of(
                new IntroPoint.LinkSpec(0, new byte[] {127, 0, 0, 1, 0x23, 0x28}),
                new IntroPoint.LinkSpec(2, Randoms.bytes(20)),
                new IntroPoint.LinkSpec(3, Ed25519.generateKeyPair().publicKey())));
        return new HsDescriptorBuilder.IntroPointSpec(links, X25519.generateKeyPair().publicKey(),
                Ed25519.generateKeyPair().publicKey(), X25519.generateKeyPair().publicKey());
    }
}
