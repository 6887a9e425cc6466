package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * VERSIONS: the link protocol versions a side supports, as big-endian 2-byte integers; always
 * variable-length and, the first time, with a 2-byte circuit ID. "Both parties MUST select as the link
 * protocol version the highest number contained both in the VERSIONS cell they sent and in the
 * versions cell they received", see {@link #highestCommon(Collection)}.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.1 Negotiating versions with VERSIONS cells</a>
 */
public final class Versions implements Cell {
    /** Two bytes per version within the 2-byte length of a variable-length cell. */
    public static final int MAX_VERSIONS = CellFormat.MAX_VAR_PAYLOAD_LEN / 2;

    private final int[] versions;

    public Versions(int... versions) {
        if (versions.length > MAX_VERSIONS) {
            throw new IllegalArgumentException("at most " + MAX_VERSIONS + " versions fit in a VERSIONS cell");
        }
        for (int version : versions) {
            Checks.unsigned(version, 16, "link protocol version");
        }
        this.versions = versions.clone();
    }

    public Versions(Collection<Integer> versions) {
        this(versions.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The versions as sent, in order. */
    public List<Integer> versions() {
        return Arrays.stream(versions).boxed().toList();
    }

    /** The highest version both in this cell and in {@code ours}, if any (tor-spec §4.1). */
    public OptionalInt highestCommon(Collection<Integer> ours) {
        return Arrays.stream(versions).filter(ours::contains).max();
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.VERSIONS;
    }

    static Versions decode(ByteBuf body) {
        if ((body.readableBytes() & 1) != 0) {
            throw CellFormatException.linkFatal(Defect.MALFORMED_VERSIONS, CellCommand.VERSIONS.code(), 0,
                    "payload of " + body.readableBytes() + " bytes is not a list of 2-byte versions");
        }
        int[] versions = new int[body.readableBytes() / 2];
        for (int i = 0; i < versions.length; i++) {
            versions[i] = body.readUnsignedShort();
        }
        return new Versions(versions);
    }

    void encodeBody(ByteBuf out) {
        for (int version : versions) {
            out.writeShort(version);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Versions other && Arrays.equals(versions, other.versions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(versions);
    }

    @Override
    public String toString() {
        return "Versions" + Arrays.stream(versions).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
