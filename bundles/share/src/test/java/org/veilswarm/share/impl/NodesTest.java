package org.veilswarm.share.impl;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of up to three {@link TestNode}s in one JVM, each in {@link #tmp}; whichever were started stop after it. */
abstract class NodesTest {
    @TempDir
    Path tmp;

    TestNode a;
    TestNode b;
    TestNode c;

    @AfterEach
    void stopNodes() {
        TestNode.closeAll(c, b, a);
    }
}
