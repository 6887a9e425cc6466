package org.veilswarm.launcher.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a command of the CLI, run in-process, printed and returned. */
record CliOutcome(int exitCode, String out, String err) {

    /** Runs {@code veilswarm <args>} in this JVM, capturing both streams. */
    static CliOutcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        VeilswarmCli.Result r = VeilswarmCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliOutcome(r.exitCode(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
