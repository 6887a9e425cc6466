package org.veilswarm.swarm.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The few positional operations storage needs from an open file. */
public interface StorageFile extends Closeable {

    int read(ByteBuffer dst, long position) throws IOException;

    int write(ByteBuffer src, long position) throws IOException;

    long size() throws IOException;

    /** Makes written data durable (fdatasync or stronger). */
    void force() throws IOException;
}
