package org.veilswarm.transport.onion.hs;

import java.util.Base64;
import java.util.Optional;

/**
 * The URLs of rend-spec-v3 §2.2.6: {@code POST /tor/hs/3/publish} and {@code GET /tor/hs/3/<z>}, where z is
 * the blinded key in base64 without padding, as C tor writes it.
 */
public final class HsDirPaths {
    public static final String PUBLISH = "/tor/hs/3/publish";
    public static final String FETCH_PREFIX = "/tor/hs/3/";

    private HsDirPaths() {
    }

    public static String fetch(byte[] blindedKey) {
        HsKeys.requireKey(blindedKey, "blinded key");
        return FETCH_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(blindedKey);
    }

    /** The blinded key of a fetch path, if it is one (canonical unpadded base64 of 32 bytes). */
    public static Optional<byte[]> parseFetch(String path) {
        if (!path.startsWith(FETCH_PREFIX)) {
            return Optional.empty();
        }
        String z = path.substring(FETCH_PREFIX.length());
        if (z.length() != 43) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(z);
            return key.length == HsKeys.KEY_LENGTH && fetch(key).equals(path) ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
