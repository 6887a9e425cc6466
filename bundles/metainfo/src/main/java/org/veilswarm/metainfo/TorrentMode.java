package org.veilswarm.metainfo;

/** What {@link TorrentCreator} produces. */
public enum TorrentMode {
    /** Meta version 2 only (BEP 52): {@code file tree} and {@code piece layers}. */
    V2_ONLY,
    /**
     * v2 plus the v1 fields ({@code pieces}, {@code length}/{@code files} with BEP 47 pad files), so
     * v1-only clients can join too (BEP 52 "Upgrade Path").
     */
    HYBRID
}
