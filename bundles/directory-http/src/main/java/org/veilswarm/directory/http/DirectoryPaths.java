package org.veilswarm.directory.http;

/** The request targets of the directory protocol (docs/protocols/directory-consensus.md §5). */
public final class DirectoryPaths {
    /** Prefix of every directory resource. */
    public static final String PREFIX = "/veilswarm/dir/";
    /** POST a signed relay descriptor to an authority. */
    public static final String DESCRIPTOR = PREFIX + "descriptor";
    /** GET the current majority-signed consensus list (gzip when accepted). */
    public static final String CONSENSUS = PREFIX + "consensus";
    /** GET an authority's vote for a period: {@code vote/<valid-after, epoch seconds>}. */
    public static final String VOTE = PREFIX + "vote/";
    /** GET an authority's signatures for the consensus it computed: {@code signatures/<valid-after>}. */
    public static final String SIGNATURES = PREFIX + "signatures/";
    /** GET the current signed merkle header. */
    public static final String MERKLE_HEADER = PREFIX + "merkle/header";
    /** POST one {@code find} line, get the answer. */
    public static final String MERKLE_FIND = PREFIX + "merkle/find";

    private DirectoryPaths() {
    }
}
