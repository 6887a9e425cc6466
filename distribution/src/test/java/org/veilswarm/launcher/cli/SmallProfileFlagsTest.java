package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small-footprint profile exists twice: {@link TestnetProcesses#DEFAULT_JAVA_OPTS} for testnet nodes and
 * {@code VEILSWARM_PROFILE=small} of {@code bin/veilswarm run}. docs/performance.md ("Node memory") measures one
 * profile, so the two must stay the same. The script runs for real with a stand-in {@code java} (a shell script in
 * a fake {@code JAVA_HOME}) that writes down the arguments and MALLOC_ARENA_MAX it was started with.
 */
class SmallProfileFlagsTest {

    private static final Path SCRIPT = Path.of("src/main/dist/bin/veilswarm");

    @TempDir
    Path tmp;

    @Test
    void binVeilswarmRunWithTheSmallProfileStartsJavaWithTheTestnetNodesFlagsAndMallocArenas() throws Exception {
        Map<String, String> seen = runScript(Map.of("VEILSWARM_PROFILE", "small"), "run", "--data", "D");
        List<String> expected = words(TestnetProcesses.DEFAULT_JAVA_OPTS);
        List<String> args = words(seen.get("args"));
        // The flags are everything before -Dveilswarm.home, the first argument the script adds itself: a flag
        // only one of the two lists has, wherever it stands, makes the lists differ.
        int home = indexOfFirstStartingWith(args, "-Dveilswarm.home=");
        assertTrue(home >= 0, "no -Dveilswarm.home= among java's arguments: " + args);
        assertEquals(expected, args.subList(0, home),
                "bin/veilswarm's small_opts and TestnetProcesses.DEFAULT_JAVA_OPTS differ; java got: " + args);
        assertEquals(List.of("run", "--data", "D"), args.subList(args.size() - 3, args.size()), "java got: " + args);
        assertEquals(TestnetProcesses.MALLOC_ARENA_MAX, seen.get("malloc"), "MALLOC_ARENA_MAX of the small profile");
    }

    @Test
    void anOperatorsMallocArenaMaxIsKept() throws Exception {
        Map<String, String> seen = runScript(Map.of("VEILSWARM_PROFILE", "small", "MALLOC_ARENA_MAX", "4"), "run");
        assertEquals("4", seen.get("malloc"));
    }

    @Test
    void withoutTheProfileRunKeepsTheC2CompilerAndPooledBuffers() throws Exception {
        Map<String, String> seen = runScript(Map.of(), "run");
        List<String> args = words(seen.get("args"));
        assertTrue(args.containsAll(List.of("-Xmx128m", "-XX:+UseSerialGC")), "java got: " + args);
        assertTrue(args.stream().noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel") || a.startsWith("-Dio.netty")),
                "java got: " + args);
        assertEquals("", seen.get("malloc"), "no MALLOC_ARENA_MAX without the profile");
    }

    private static int indexOfFirstStartingWith(List<String> args, String prefix) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> words(String s) {
        return Arrays.asList(s.trim().split("\\s+"));
    }

    /** Runs bin/veilswarm with a stand-in java; returns the "args" it got and its "malloc" (MALLOC_ARENA_MAX). */
    private Map<String, String> runScript(Map<String, String> env, String... cliArgs) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(SCRIPT), "run from the distribution module: " + SCRIPT.toAbsolutePath());
        Path javaHome = Files.createDirectories(tmp.resolve("jdk/bin"));
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"17.0.15\"\n", StandardCharsets.US_ASCII);
        Path out = tmp.resolve("seen.txt");
        Path fakeJava = javaHome.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\n"
                + "printf 'args=%s\\nmalloc=%s\\n' \"$*\" \"$MALLOC_ARENA_MAX\" > '" + out + "'\n",
                StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new java.util.ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(cliArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.equals("MALLOC_ARENA_MAX") || k.startsWith("VEILSWARM_")
                || k.equals("JAVA_OPTS"));
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/veilswarm did not exit within 30 s: " + output);
        assertEquals(0, p.exitValue(), "bin/veilswarm failed: " + output);
        assertTrue(Files.exists(out), "the stand-in java was not started: " + output);
        Map<String, String> seen = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return seen;
    }
}
