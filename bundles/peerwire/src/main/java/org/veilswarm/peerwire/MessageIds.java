package org.veilswarm.peerwire;

/** The message ids on the wire (the byte after the length prefix), grouped by the BEP defining them. */
public final class MessageIds {

    // BEP 3 "peer messages"
    public static final int CHOKE = 0;
    public static final int UNCHOKE = 1;
    public static final int INTERESTED = 2;
    public static final int NOT_INTERESTED = 3;
    public static final int HAVE = 4;
    public static final int BITFIELD = 5;
    public static final int REQUEST = 6;
    public static final int PIECE = 7;
    public static final int CANCEL = 8;

    // BEP 5 "BitTorrent Protocol Extension"
    public static final int PORT = 9;

    // BEP 6 "Fast Extension"
    public static final int SUGGEST_PIECE = 0x0D;
    public static final int HAVE_ALL = 0x0E;
    public static final int HAVE_NONE = 0x0F;
    public static final int REJECT_REQUEST = 0x10;
    public static final int ALLOWED_FAST = 0x11;

    // BEP 10 "Extension Protocol"; extended id 0 is the extension handshake
    public static final int EXTENDED = 20;
    public static final int EXTENDED_HANDSHAKE = 0;

    // BEP 52 "hash request", "hashes", "hash reject"
    public static final int HASH_REQUEST = 21;
    public static final int HASHES = 22;
    public static final int HASH_REJECT = 23;

    // BEP 9 ut_metadata "msg_type" values inside an extended message
    public static final int METADATA_REQUEST = 0;
    public static final int METADATA_DATA = 1;
    public static final int METADATA_REJECT = 2;

    private MessageIds() {
    }
}
