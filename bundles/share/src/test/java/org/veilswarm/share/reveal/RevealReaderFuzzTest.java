package org.veilswarm.share.reveal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the readers that look into a user's files before they are shared (what a share reveals):
 * EXIF in a JPEG's first bytes and the information dictionary of a PDF's head and tail. The files are whatever
 * the user points at, made by any program. The scanner catches what escapes a reader, but an exception there
 * loses every finding of the file, so: nothing escapes; the same bytes give the same findings; every finding is
 * display-safe text (no control characters, trimmed, bounded), and there are at most as many as the format
 * allows. A plain {@code mvn verify} runs the seeds in
 * {@code src/test/resources/org/veilswarm/share/reveal/RevealReaderFuzzTestInputs/<method>/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class RevealReaderFuzzTest {
    /** Text.clean keeps 200 characters; the longest label put before a value is "camera serial: ". */
    private static final int MAX_DETAIL = 200 + "camera serial: ".length();

    @FuzzTest(maxDuration = "60s")
    void exif(byte[] input) {
        List<ExifReader.Found> found = ExifReader.read(input, input.length);
        assertEquals(found, ExifReader.read(input.clone(), input.length));
        // IFD0 (artist, copyright), the Exif IFD (two serials) and the GPS IFD (one finding), each at most
        // once per entry of at most 512 entries.
        assertTrue(found.size() <= 3 * 512, "findings: " + found.size());
        found.forEach(f -> displaySafe(f.detail()));
    }

    @FuzzTest(maxDuration = "60s")
    void pdf(FuzzedDataProvider data) {
        byte[] tail = data.consumeBytes(data.consumeInt(0, RevealScanner.TAIL_BYTES));
        byte[] head = data.consumeRemainingAsBytes();
        List<PdfInfoReader.Found> found = PdfInfoReader.read(head, tail);
        assertEquals(found, PdfInfoReader.read(head.clone(), tail.clone()));
        assertEquals(found.stream().map(PdfInfoReader.Found::detail).distinct().count(), found.size(),
                "a value is reported once: " + found);
        found.forEach(f -> displaySafe(f.detail()));
    }

    private static void displaySafe(String detail) {
        assertFalse(detail.isBlank(), "an empty finding");
        assertTrue(detail.length() <= MAX_DETAIL, "a finding of " + detail.length() + " characters");
        assertEquals(detail.strip(), detail, "untrimmed: '" + detail + "'");
        assertTrue(detail.chars().noneMatch(Character::isISOControl), "a control character in: " + detail);
    }
}
