package org.veilswarm.swarm.storage;

import java.util.Objects;

/**
 * @param fileAccess           how files are opened
 * @param checkpointEveryPieces write resume data after this many newly verified pieces; 1 means a
 *                             kill loses no verified piece
 */
public record StorageOptions(FileAccess fileAccess, int checkpointEveryPieces) {

    public StorageOptions {
        Objects.requireNonNull(fileAccess, "fileAccess");
        if (checkpointEveryPieces < 1) {
            throw new IllegalArgumentException("checkpointEveryPieces " + checkpointEveryPieces);
        }
    }

    public static StorageOptions defaults() {
        return new StorageOptions(FileAccess.noFollow(), 1);
    }

    public StorageOptions withFileAccess(FileAccess value) {
        return new StorageOptions(value, checkpointEveryPieces);
    }

    public StorageOptions withCheckpointEveryPieces(int value) {
        return new StorageOptions(fileAccess, value);
    }
}
