package org.veilswarm.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.veilswarm.api.node.NodeInfo;

class DataDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void withoutThePropertyTheDataDirectoryIsDotVeilswarmInHomeCreatedOwnerOnly() throws IOException {
        DataDirectory data = DataDirectory.resolve(null, temp);

        assertEquals(temp.resolve(".veilswarm"), data.root());
        assertTrue(Files.isDirectory(data.root()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.root())));
    }

    @Test
    void theConfiguredAbsolutePathIsUsedAndCreated() {
        Path configured = temp.resolve("nodes/alice");

        DataDirectory data = DataDirectory.resolve(configured.toString(), temp.resolve("unused-home"));

        assertEquals(configured, data.root());
        assertTrue(Files.isDirectory(configured));
        assertFalse(Files.exists(temp.resolve("unused-home")));
    }

    @Test
    void anExistingDataDirectoryKeepsTheOperatorsPermissions() throws IOException {
        Path existing = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));

        DataDirectory.resolve(existing.toString(), temp);

        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));
    }

    @Test
    void aRelativePathIsRejectedNamingTheProperty() {
        NodeStartupException e = assertThrows(NodeStartupException.class,
                () -> DataDirectory.resolve("~/.veilswarm", temp));

        assertTrue(e.getMessage().contains(NodeInfo.DATA_DIRECTORY_PROPERTY), e.getMessage());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        assertFalse(Files.exists(Path.of("~")), "nothing may be created relative to the working directory");
    }

    @Test
    void anEmptyPropertyIsRejected() {
        NodeStartupException e = assertThrows(NodeStartupException.class, () -> DataDirectory.resolve("  ", temp));

        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAClearError() throws IOException {
        Path file = Files.writeString(temp.resolve("data"), "not a directory");

        NodeStartupException e = assertThrows(NodeStartupException.class,
                () -> DataDirectory.resolve(file.toString(), temp));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void areaCreatesAnOwnerOnlySubDirectoryOnceAndReturnsItAfterwards() throws IOException {
        DataDirectory data = DataDirectory.resolve(temp.resolve("d").toString(), temp);

        Path tracker = data.area("tracker");
        Files.writeString(tracker.resolve("state"), "kept");

        assertEquals(data.root().resolve("tracker"), tracker);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tracker)));
        assertEquals(tracker, data.area("tracker"));
        assertEquals("kept", Files.readString(tracker.resolve("state")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracker-store_2", "node", "a.b", "_x", "9"})
    void areaAcceptsPlainNames(String name) {
        DataDirectory data = DataDirectory.resolve(temp.resolve("d").toString(), temp);

        assertEquals(data.root().resolve(name), data.area(name));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "..", ".", ".hidden", "a/b", "/etc", "../escape", "a\\b", "-rf", "with space",
            "tab\there", "nul\0", "a/../b",
            "x2345678901234567890123456789012345678901234567890123456789012345"})
    void areaRejectsNamesThatAreNotOnePlainSegment(String name) throws IOException {
        DataDirectory data = DataDirectory.resolve(temp.resolve("d").toString(), temp);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.area(name));

        assertTrue(e.getMessage().contains("plain name"), e.getMessage());
        try (var entries = Files.list(temp)) {
            assertEquals(1, entries.count(), "only the data directory itself exists");
        }
        try (var entries = Files.list(data.root())) {
            assertEquals(0, entries.count(), "nothing was created inside the data directory");
        }
    }

    @Test
    void areaWithAFileInTheWayIsAnError() throws IOException {
        DataDirectory data = DataDirectory.resolve(temp.resolve("d").toString(), temp);
        Files.writeString(data.root().resolve("logs"), "a file");

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> data.area("logs"));

        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
