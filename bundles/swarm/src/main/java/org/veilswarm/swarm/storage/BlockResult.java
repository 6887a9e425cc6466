package org.veilswarm.swarm.storage;

/** What {@link PieceStore#writeBlock} did with a block. */
public enum BlockResult {
    /** Kept in memory; the piece is not complete yet. */
    BUFFERED,
    /** The block completed its piece, which verified and is durably written: announce {@code have}. */
    PIECE_VERIFIED,
    /**
     * The block completed its piece, which verified and is written but not yet durable
     * ({@link PieceStore#writeBlockUncommitted}): it becomes verified at the next {@link PieceStore#commit()}.
     */
    PIECE_WRITTEN,
    /** The block completed its piece, which did not match its hash: every block of it was discarded. */
    PIECE_HASH_FAILED,
    /** This block was already buffered; the new copy was ignored. */
    DUPLICATE_BLOCK,
    /** The piece is verified already; the block was ignored. */
    ALREADY_VERIFIED
}
