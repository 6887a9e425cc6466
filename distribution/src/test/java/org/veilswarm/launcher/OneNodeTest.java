package org.veilswarm.launcher;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test that starts a node on a temporary data directory, in {@link #node}, which is stopped after each test. */
public abstract class OneNodeTest {
    @TempDir
    protected Path data;

    protected VeilswarmNode node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.stop();
        }
    }
}
