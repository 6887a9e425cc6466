package org.veilswarm.console.impl.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import org.veilswarm.console.impl.files.OwnerOnlyFiles;

/**
 * The management token: the one secret that opens the console ({@code GET /management/<token>}) and the REST
 * API ({@code Authorization: Bearer <token>}).
 *
 * <p>It is 32 bytes from {@link SecureRandom}, base64url without padding (RFC 4648 §5), kept in
 * {@code <data>/management.token} with mode 0600. A token file that group or others can read is refused
 * rather than silently repaired: the token may already have leaked, and the operator should know.
 */
public final class ManagementToken {

    /** The token file's name inside the data directory. */
    public static final String FILE_NAME = "management.token";
    /** Random bytes in a token. */
    public static final int RANDOM_BYTES = 32;
    /** Characters in the encoded token: ceil(32 * 8 / 6). */
    public static final int ENCODED_LENGTH = 43;

    private final String value;
    private final SecretDigest digest;

    private ManagementToken(String value) {
        this.value = value;
        this.digest = new SecretDigest(value);
    }

    /** A fresh random token (not stored anywhere). */
    public static ManagementToken generate(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new ManagementToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Reads {@code <dataDir>/management.token}, or creates it (atomically, 0600) if it does not exist.
     *
     * @throws IOException if the file cannot be read or written, is a symbolic link, is accessible by group or
     *     others, or does not hold a well-formed token; the message says what to do
     */
    public static ManagementToken loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return load(file);
        }
        ManagementToken token = generate(random);
        OwnerOnlyFiles.write(file, token.value.getBytes(StandardCharsets.US_ASCII));
        return token;
    }

    private static ManagementToken load(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; refusing to read the management token through it."
                    + " Replace it with a regular file (or delete it to create a new token).");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file. Delete it to create a new management token.");
        }
        Optional<String> tooOpen = OwnerOnlyFiles.accessBeyondOwner(file);
        if (tooOpen.isPresent()) {
            throw new IOException(file + " is accessible by group or others (" + tooOpen.get()
                    + "): the management token may have leaked. Delete the file to create a new token, or if you"
                    + " are sure it did not leak, run: chmod 600 " + file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!isWellFormed(text)) {
            throw new IOException(file + " does not hold a management token (expected " + ENCODED_LENGTH
                    + " base64url characters encoding " + RANDOM_BYTES + " bytes). Delete it to create a new one.");
        }
        return new ManagementToken(text);
    }

    /** Whether {@code text} has the form of a token: 43 base64url characters that decode to 32 bytes. */
    static boolean isWellFormed(String text) {
        if (text.length() != ENCODED_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        try {
            return Base64.getUrlDecoder().decode(text).length == RANDOM_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code candidate} is this token, compared in constant time; {@code null} never matches. */
    public boolean matches(String candidate) {
        return digest.matches(candidate);
    }

    /** The token itself: for the console URL file only, never for logs. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return "ManagementToken[redacted]";
    }
}
