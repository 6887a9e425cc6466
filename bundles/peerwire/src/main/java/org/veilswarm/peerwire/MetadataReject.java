package org.veilswarm.peerwire;

/** BEP 9 {@code ut_metadata} reject ({@code msg_type} 2): the sender will not send that piece. */
public record MetadataReject(int extendedId, int piece) implements PeerMessage {

    public MetadataReject {
        MetadataData.checkHeader(extendedId, piece);
    }
}
