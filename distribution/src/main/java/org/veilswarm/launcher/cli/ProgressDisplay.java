package org.veilswarm.launcher.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work on the node: a bar redrawn in place with {@code \r} on a terminal, and, when the
 * output is a file or a pipe (scripts, CI logs), a plain line at most every few seconds or every 10 %,
 * so that logs stay readable.
 */
final class ProgressDisplay {

    private static final int WIDTH = 30;
    private static final long PLAIN_LINE_INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private long lastPlainLine = Long.MIN_VALUE;
    private int lastPlainTenth = -1;
    private boolean drawn;

    ProgressDisplay(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether the CLI's own stdout is a terminal ({@link System#console()} is null when it is redirected). */
    static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /**
     * @param fraction 0 to 1
     * @param detail   what follows the percentage (bytes, rate, ETA)
     */
    void update(String label, double fraction, String detail) {
        double f = Math.max(0, Math.min(1, fraction));
        String percent = String.format(Locale.ROOT, "%5.1f %%", f * 100);
        if (terminal) {
            int filled = (int) Math.round(f * WIDTH);
            out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "  "
                    + detail + "\u001b[K");
            out.flush();
            drawn = true;
            return;
        }
        long now = System.nanoTime();
        int tenth = (int) (f * 10);
        if (tenth != lastPlainTenth || lastPlainLine == Long.MIN_VALUE || now - lastPlainLine >= PLAIN_LINE_INTERVAL_NANOS) {
            out.println(label + " " + percent.trim() + "  " + detail);
            lastPlainLine = now;
            lastPlainTenth = tenth;
        }
    }

    /** Ends the bar's line so that what follows starts on a new one. */
    void finish() {
        if (terminal && drawn) {
            out.println();
            drawn = false;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
