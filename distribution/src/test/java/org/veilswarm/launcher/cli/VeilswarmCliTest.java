package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.launcher.cli.CliOutcome.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.launcher.TestNodes;
import org.veilswarm.launcher.VeilswarmNode;

/** The CLI in-process: usage, errors and exit codes, settings, and status/bundles against a real node. */
class VeilswarmCliTest {

    @TempDir
    Path tmp;

    @Test
    void helpListsEveryCommand() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"}, new String[0])) {
            CliOutcome o = cli(args);
            assertEquals(0, o.exitCode());
            for (String command : List.of("run", "testnet", "status", "bundles", "share", "get", "verify", "version")) {
                assertTrue(o.out().contains("  " + command + " "), command + " in: " + o.out());
            }
        }
    }

    @Test
    void versionIsTheBuiltVersion() {
        CliOutcome o = cli("version");
        assertEquals(0, o.exitCode());
        assertTrue(o.out().matches("veilswarm \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), o.out());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhat() {
        CliOutcome unknown = cli("frobnicate");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown command 'frobnicate'"), unknown.err());

        CliOutcome badOption = cli("status", "--port", "1");
        assertEquals(2, badOption.exitCode());
        assertTrue(badOption.err().contains("'status' has no option --port"), badOption.err());

        CliOutcome noValue = cli("status", "--data");
        assertEquals(2, noValue.exitCode());
        assertTrue(noValue.err().contains("--data needs a value"), noValue.err());
    }

    @Test
    void statusWithoutARunningNodeExitsWithOneAndSaysHowToStartOne() {
        Path data = tmp.resolve("nothing-here");
        for (String command : List.of("status", "bundles")) {
            CliOutcome o = cli(command, "--data", data.toString());
            assertEquals(1, o.exitCode());
            assertTrue(o.err().contains("No Veilswarm node is running with data directory " + data), o.err());
            assertTrue(o.err().contains("veilswarm run --data " + data), o.err());
            assertEquals("", o.out());
        }
    }

    @Test
    void shareAndGetNeedTheirArgumentAndARunningNode() {
        CliOutcome noPath = cli("share", "--yes");
        assertEquals(2, noPath.exitCode());
        assertTrue(noPath.err().contains("'share' needs 1 argument"), noPath.err());
        CliOutcome twoLinks = cli("get", "http://a:1/private/x", "http://b:1/private/y");
        assertEquals(2, twoLinks.exitCode(), twoLinks.err());
        CliOutcome flagOnGet = cli("get", "http://a:1/private/x", "--yes");
        assertEquals(2, flagOnGet.exitCode(), flagOnGet.err());

        Path data = tmp.resolve("no-node");
        CliOutcome share = cli("share", tmp.toString(), "--yes", "--data", data.toString());
        assertEquals(1, share.exitCode());
        assertTrue(share.err().contains("No Veilswarm node is running with data directory " + data), share.err());
        CliOutcome get = cli("get", "http://127.0.0.1:1/private/x", "--dir", tmp.toString(), "--data", data.toString());
        assertEquals(1, get.exitCode());
        assertTrue(get.err().contains("No Veilswarm node is running with data directory " + data), get.err());
    }

    @Test
    void trackerAndSwarmPortsComeFromOptionsOrTheEtcFile() throws Exception {
        Path home = tmp.resolve("ports-home");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/veilswarm.properties"), "tracker.port=7000\nswarm.port=7001\n");
        LauncherSettings fromFile = LauncherSettings.load(home, Arguments.parse(new String[] {"run"}, options()));
        assertEquals(java.util.Optional.of(7000), fromFile.trackerPort);
        assertEquals(java.util.Optional.of(7001), fromFile.swarmPort);
        LauncherSettings overridden = LauncherSettings.load(home, Arguments.parse(
                new String[] {"run", "--tracker-port", "7100", "--swarm-port=7101"}, options()));
        assertEquals(java.util.Optional.of(7100), overridden.trackerPort);
        assertEquals(java.util.Optional.of(7101), overridden.swarmPort);
        LauncherSettings unset = LauncherSettings.load(tmp, Arguments.parse(new String[] {"run"}, options()));
        assertTrue(unset.trackerPort.isEmpty() && unset.swarmPort.isEmpty());
        CliException bad = org.junit.jupiter.api.Assertions.assertThrows(CliException.class, () -> LauncherSettings.load(
                tmp, Arguments.parse(new String[] {"run", "--swarm-port", "0"}, options())));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.getMessage().contains("Swarm port must be a number from 1 to 65535"), bad.getMessage());
    }

    @Test
    void staleConsoleUrlIsReportedAsNoNodeAnswering() throws Exception {
        Files.createDirectories(tmp);
        Files.writeString(tmp.resolve("console.url"), "http://127.0.0.1:" + TestNodes.freePort() + "/management/abc\n");
        CliOutcome o = cli("status", "--data", tmp.toString());
        assertEquals(1, o.exitCode());
        assertTrue(o.err().contains("No Veilswarm node answers at"), o.err());
    }

    @Test
    void statusAndBundlesTalkToARunningNode() throws Exception {
        Path data = tmp.resolve("data");
        VeilswarmNode node = TestNodes.builder(data).features("core", "console").build();
        node.start();
        try {
            node.consoleUrl(Duration.ofSeconds(60));
            String address = node.address(Duration.ofSeconds(10)).orElseThrow();

            CliOutcome status = cli("status", "--data", data.toString());
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains(address), status.out());
            assertTrue(status.out().contains("Shares and downloads not shown: The node answered 503"), status.out());

            CliOutcome bundles = cli("bundles", "--data", data.toString());
            assertEquals(0, bundles.exitCode(), bundles.err());
            assertTrue(bundles.out().lines().anyMatch(l -> l.contains("org.veilswarm.console") && l.contains("ACTIVE")),
                    bundles.out());
            assertTrue(bundles.out().contains("SYMBOLIC NAME"), "a table with a header: " + bundles.out());
        } finally {
            node.stop();
        }
    }

    @Test
    void settingsComeFromTheEtcFileAndOptionsWin() throws Exception {
        Path home = tmp.resolve("installation");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/veilswarm.properties"), String.join("\n",
                "data.dir=var/node", "console.port=9001", "console.host=127.0.0.2", "features=core, transport-direct",
                "deploy.dir=/srv/drop", "framework.felix.fileinstall.poll=750", "console.timeout=5", ""));

        LauncherSettings fromFile = LauncherSettings.load(home, Arguments.parse(new String[] {"run"}, options()));
        assertEquals(home.resolve("var/node"), fromFile.dataDirectory, "relative paths are relative to the installation");
        assertEquals(9001, fromFile.consolePort);
        assertEquals("127.0.0.2", fromFile.consoleHost);
        assertEquals(List.of("core", "transport-direct"), fromFile.features);
        assertEquals(Path.of("/srv/drop"), fromFile.deployDirectory);
        assertEquals(Map.of("felix.fileinstall.poll", "750"), fromFile.frameworkProperties);
        assertEquals(5, fromFile.consoleTimeoutSeconds);

        LauncherSettings overridden = LauncherSettings.load(home, Arguments.parse(
                new String[] {"run", "--port", "9002", "--data=" + tmp.resolve("d"), "--features", "core",
                        "--deploy", tmp.resolve("drop").toString()}, options()));
        assertEquals(9002, overridden.consolePort);
        assertEquals(tmp.resolve("d"), overridden.dataDirectory);
        assertEquals(List.of("core"), overridden.features);
        assertEquals(tmp.resolve("drop"), overridden.deployDirectory);
    }

    @Test
    void defaultsWithoutAnEtcFileAreTheContractsDefaults() throws Exception {
        LauncherSettings s = LauncherSettings.load(tmp, Arguments.parse(new String[] {"run"}, options()));
        assertEquals(Path.of(System.getProperty("user.home"), ".veilswarm"), s.dataDirectory);
        assertEquals(8427, s.consolePort);
        assertEquals("127.0.0.1", s.consoleHost);
        assertEquals(List.of("core", "console", "transport-direct", "tracker-journal", "share"), s.features);
        assertEquals(tmp.resolve("deploy"), s.deployDirectory);
    }

    @Test
    void badPortIsAUsageError() {
        CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class, () -> LauncherSettings.load(tmp,
                Arguments.parse(new String[] {"run", "--port", "70000"}, options())));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("Console port must be a number from 1 to 65535, not '70000'"), e.getMessage());
    }

    private static Map<String, java.util.Set<String>> options() {
        return Map.of("run", java.util.Set.of("data", "port", "host", "features", "deploy", "tracker-port", "swarm-port"));
    }
}
