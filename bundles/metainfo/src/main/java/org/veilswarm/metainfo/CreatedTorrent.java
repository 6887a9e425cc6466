package org.veilswarm.metainfo;

/** The result of {@link TorrentCreator#create()}: the bencoded {@code .torrent} and its parsed form. */
public record CreatedTorrent(byte[] bytes, Metainfo metainfo) {

    public CreatedTorrent {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreatedTorrent c && java.util.Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "CreatedTorrent[" + bytes.length + " bytes, " + metainfo + "]";
    }
}
