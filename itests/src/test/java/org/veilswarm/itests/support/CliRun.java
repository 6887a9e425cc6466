package org.veilswarm.itests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the distribution's {@code bin/veilswarm} CLI: its exit code and everything it printed.
 *
 * @param exit   the process's exit code
 * @param output stdout and stderr together
 */
public record CliRun(int exit, String output) {

    /**
     * Runs {@code veilswarm args...} with no input and waits up to {@code timeout}, failing the test if it takes
     * longer. The output goes to a file, not a pipe: a pipe nobody drains while the process runs would fill and
     * block a chatty command such as {@code get} with its progress lines.
     */
    public static CliRun run(Duration timeout, Path veilswarm, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(veilswarm.toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("veilswarm-cli", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new CliRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
