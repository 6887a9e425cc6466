package org.veilswarm.peerwire;

/**
 * One message after the handshake. Messages holding bytes of the connection ({@link Piece},
 * {@link ExtendedMessage}, {@link MetadataData}) are reference counted; the others are plain values.
 */
public sealed interface PeerMessage
        permits Signal, Have, Bitfield, BlockRequest, Piece, SuggestPiece, AllowedFast, DhtPort,
        ExtendedHandshake, ExtendedMessage, MetadataRequest, MetadataData, MetadataReject,
        HashRequest, Hashes, HashReject {
}
