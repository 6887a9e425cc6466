package org.veilswarm.share.reveal;

/** Cleans a metadata value for display: control characters and NULs go, white space is collapsed. */
final class Text {
    private Text() {
    }

    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString().replaceAll("\\s+", " ").strip();
    }
}
