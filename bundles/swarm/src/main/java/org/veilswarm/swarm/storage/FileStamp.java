package org.veilswarm.swarm.storage;

/**
 * Size and modification time of a stored file when resume data was written; a file whose stamp
 * differs on restart was changed outside this store and its pieces are hashed again.
 *
 * @param size       bytes, or -1 when the file did not exist
 * @param mtimeNanos last modification, nanoseconds since the epoch (as precise as the file system)
 */
public record FileStamp(long size, long mtimeNanos) {

    public static final FileStamp MISSING = new FileStamp(-1, 0);
}
