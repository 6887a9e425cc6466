package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veilswarm get LINK --key KEY | --key-file FILE}: where the client authorization key comes from. */
class ShareCommandsKeyTest {
    private static final String KEY = "n2dmxdkbcjs3wdsc7mygk3dwj7xe7nxqnvebkjqxg6dgm3gtc5eq";

    @TempDir
    Path tmp;

    @Test
    void theKeyComesFromTheOptionOrTheFirstLineOfTheFile() throws Exception {
        assertNull(ShareCommands.clientAuthKey(Optional.empty(), Optional.empty()));
        assertEquals(KEY, ShareCommands.clientAuthKey(Optional.of(" " + KEY + " "), Optional.empty()));
        Path file = tmp.resolve("share.auth_private");
        Files.writeString(file, "# from the owner\n\nabc:descriptor:x25519:" + KEY + "\n");
        assertEquals("abc:descriptor:x25519:" + KEY, ShareCommands.clientAuthKey(Optional.empty(),
                Optional.of(file.toString())));
    }

    @Test
    void bothOrNeitherUsableIsAUsageError() throws Exception {
        CliException both = assertThrows(CliException.class,
                () -> ShareCommands.clientAuthKey(Optional.of(KEY), Optional.of("f")));
        assertEquals(2, both.exitCode());
        Path empty = tmp.resolve("empty");
        Files.writeString(empty, "# nothing\n");
        CliException none = assertThrows(CliException.class,
                () -> ShareCommands.clientAuthKey(Optional.empty(), Optional.of(empty.toString())));
        assertTrue(none.getMessage().contains("holds no key"), none.getMessage());
        CliException missing = assertThrows(CliException.class,
                () -> ShareCommands.clientAuthKey(Optional.empty(), Optional.of(tmp.resolve("nope").toString())));
        assertTrue(missing.getMessage().contains("cannot read --key-file"), missing.getMessage());
    }
}
