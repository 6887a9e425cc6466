package org.veilswarm.metainfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes deterministic pseudo-random test files. */
final class Content {

    private Content() {
    }

    static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Path write(Path file, int length) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes(length, file.getFileName().toString().hashCode() * 31L + length));
    }

    /**
     * A folder exercising the layout rules at 32 KiB pieces: a directory {@code a} sorting before the
     * file {@code a.txt}, a file smaller than a block, one of 3.05 pieces, an empty file, and one of
     * exactly two pieces in a subdirectory.
     */
    static Path mixedFolder(Path parent, String name) throws IOException {
        Path root = parent.resolve(name);
        write(root.resolve("a").resolve("x"), 10);
        write(root.resolve("a.txt"), 5000);
        write(root.resolve("b.bin"), 100_000);
        Files.createDirectories(root);
        Files.write(root.resolve("empty.txt"), new byte[0]);
        write(root.resolve("sub").resolve("exact.bin"), 65536);
        return root;
    }
}
