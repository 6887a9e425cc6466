package org.veilswarm.peerwire;

/**
 * BEP 9 {@code ut_metadata} request ({@code msg_type} 0) for one 16 KiB piece of the info dictionary.
 *
 * @param extendedId the extended message id: on receipt the one we announced for {@code ut_metadata},
 *                   on sending the one the peer announced
 */
public record MetadataRequest(int extendedId, int piece) implements PeerMessage {

    public MetadataRequest {
        MetadataData.checkHeader(extendedId, piece);
    }
}
