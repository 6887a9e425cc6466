package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResumeDataTest {

    private static ResumeData sample() {
        BitSet v = new BitSet();
        v.set(0);
        v.set(9);
        return new ResumeData(new byte[32], 10, v, List.of(new FileStamp(123, 456_789), FileStamp.MISSING));
    }

    @Test
    void roundTrips() throws Exception {
        assertEquals(sample(), ResumeData.decode(sample().encode()));
    }

    @Test
    void theBitfieldUsesBep3BitOrder() {
        String encoded = new String(sample().encode(), StandardCharsets.ISO_8859_1);
        assertTrue(encoded.contains("6:pieces2:\u0080\u0040"), encoded);
    }

    @Test
    void refusesSpareBitsAnotherVersionAndGarbage() {
        String good = new String(sample().encode(), StandardCharsets.ISO_8859_1);
        byte[] spare = good.replace("6:pieces2:\u0080\u0040", "6:pieces2:\u0080\u0041").getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(StorageException.class, () -> ResumeData.decode(spare)).getMessage().contains("spare bit"));
        byte[] v2 = good.replace("7:versioni1e", "7:versioni2e").getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(StorageException.class, () -> ResumeData.decode(v2)).getMessage().contains("version"));
        assertThrows(StorageException.class, () -> ResumeData.decode(new byte[] {'x'}));
        byte[] shortField = good.replace("6:pieces2:\u0080\u0040", "6:pieces1:\u0080").getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(StorageException.class, () -> ResumeData.decode(shortField));
    }
}
