package org.veilswarm.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.launcher.internal.LauncherVersion;

/**
 * The {@code veilswarm} command line. Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
 */
public final class VeilswarmCli {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: veilswarm <command> [options]",
            "",
            "Commands:",
            "  run       Start a node; prints its address and console URL, runs until Ctrl-C or SIGTERM.",
            "              --data DIR        data directory (default: data.dir in etc/veilswarm.properties, ~/.veilswarm)",
            "              --port N          console port (default: console.port, 8427)",
            "              --host H          console address (default: console.host, 127.0.0.1)",
            "              --features A,B    features to run (default: features, core,console,transport-direct,tracker-journal,share;",
            "                                tracker instead of tracker-journal keeps the tracker in an H2 database)",
            "              --deploy DIR      hot-deployment directory (default: deploy.dir, <installation>/deploy)",
            "              --tracker-port N  port of the node's tracker (default: tracker.port, else 6969)",
            "              --swarm-port N    port peers connect to (default: swarm.port, else 8429)",
            "              --config FILE     JSON configurations, one object per PID, applied at every start",
            "              --exit-with PID   stop the node when process PID ends (how testnet nodes follow their supervisor)",
            "  testnet   Run a local test network on 127.0.0.1: N nodes (each its own process), the first of them",
            "            directory authorities, every one a relay; waits until the directory is ready, prints every",
            "            node's console URL, runs until Ctrl-C. See docs/testnet.md.",
            "              --nodes N         nodes (default 8)",
            "              --authorities A   how many of them are directory authorities (default 3)",
            "              --dir DIR         where the nodes' data and configuration go (default ./testnet)",
            "              --base-port P     node i uses ports P+10(i-1) to P+10(i-1)+4 (default 19000)",
            "              --scheme S        directory scheme: consensus or merkle (default consensus)",
            "              --features A,B    features of every node (default core,console,transport-onion,",
            "                                directory-<scheme>,tracker-journal,share; authorities add directory-authority)",
            "              --timeout S       seconds to wait for the directory before giving up (default 180)",
            "              --reset           delete the testnet directory first (new keys and identities)",
            "  testnet stop  Stop the testnet running from a directory (every node process).   --dir DIR",
            "  status    Show the node running on a data directory, its shares and downloads (via its REST API).",
            "              --data DIR",
            "  bundles   List the bundles of the node running on a data directory (via its REST API).",
            "              --data DIR",
            "  share     Share a file or folder from the node running on a data directory: shows what it reveals,",
            "            asks, hashes it (progress bar) and prints the share link.   veilswarm share PATH",
            "              --data DIR",
            "              --yes             do not ask before sharing",
            "              --client-auth     for authorized clients only (as OnionShare's private shares): the share's",
            "                                onion services need the x25519 key printed after the link",
            "  get       Download a share by its link into a directory and wait until done (exit 0) or failed (1).",
            "            veilswarm get LINK",
            "              --data DIR",
            "              --dir D           where to put the files (default: the current directory)",
            "              --key KEY         client authorization key of a share for authorized clients only",
            "              --key-file FILE   the same, read from a file (first line; a tor .auth_private line works)",
            "  verify    Check that every bundle the installed features list is present in bundles/.",
            "  version   Print the Veilswarm version.",
            "  help      Print this help (also --help, -h).",
            "",
            "Defaults come from <installation>/etc/veilswarm.properties. Exit codes: 0 ok, 1 failure, 2 usage error.");

    /** {@code testnet stop} is parsed as one command of its own. */
    private static final String TESTNET_STOP = "testnet stop";

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "run", Set.of("data", "port", "host", "features", "deploy", "tracker-port", "swarm-port", "config",
                    "exit-with"),
            "testnet", Set.of("nodes", "authorities", "dir", "base-port", "scheme", "features", "timeout"),
            TESTNET_STOP, Set.of("dir"),
            "status", Set.of("data"),
            "bundles", Set.of("data"),
            "share", Set.of("data"),
            "get", Set.of("data", "dir", "key", "key-file"),
            "verify", Set.of(),
            "version", Set.of(),
            "help", Set.of());

    private static final Map<String, Set<String>> FLAGS = Map.of("share", Set.of("yes", "client-auth"), "testnet",
            Set.of("reset"));
    private static final Map<String, Integer> OPERANDS = Map.of("share", 1, "get", 1);

    /** Held so the configured levels are not lost: java.util.logging keeps loggers only weakly. */
    private static final java.util.List<java.util.logging.Logger> CONFIGURED_LOGGERS = new java.util.ArrayList<>();

    private VeilswarmCli() {
    }

    public static void main(String[] args) {
        configureLogging();
        Result result = execute(args, System.out, System.err);
        // After a signal the JVM is already exiting: System.exit would wait for the shutdown hooks forever.
        if (!result.shuttingDown()) {
            System.exit(result.exitCode());
        }
    }

    /** The outcome of a command: its exit code, and whether the JVM is already shutting down. */
    record Result(int exitCode, boolean shuttingDown) {
    }

    static Result execute(String[] args, PrintStream out, PrintStream err) {
        try {
            Arguments a = Arguments.parse(joinTestnetStop(args), OPTIONS, FLAGS, OPERANDS);
            switch (a.command()) {
                case "help":
                    out.println(USAGE);
                    return new Result(0, false);
                case "version":
                    out.println("veilswarm " + LauncherVersion.get());
                    return new Result(0, false);
                case "verify":
                    VerifyCommand.verify(LauncherSettings.load(a), out);
                    return new Result(0, false);
                case "status":
                    StatusCommands.status(RunningNodeClient.forDataDirectory(LauncherSettings.dataDirectory(a)), out);
                    return new Result(0, false);
                case "bundles":
                    StatusCommands.bundles(RunningNodeClient.forDataDirectory(LauncherSettings.dataDirectory(a)), out);
                    return new Result(0, false);
                case "share":
                    ShareCommands.share(RunningNodeClient.forDataDirectory(LauncherSettings.dataDirectory(a)),
                            Path.of(a.operands().get(0)).toAbsolutePath().normalize(), a.flag("yes"),
                            a.flag("client-auth"), System.in, out,
                            new ProgressDisplay(out, ProgressDisplay.stdoutIsTerminal()));
                    return new Result(0, false);
                case "get":
                    ShareCommands.get(RunningNodeClient.forDataDirectory(LauncherSettings.dataDirectory(a)),
                            a.operands().get(0), Path.of(a.option("dir").orElse("")).toAbsolutePath().normalize(),
                            ShareCommands.clientAuthKey(a.option("key"), a.option("key-file")), out,
                            new ProgressDisplay(out, ProgressDisplay.stdoutIsTerminal()));
                    return new Result(0, false);
                case "run":
                    return new Result(0, RunCommand.run(LauncherSettings.load(a), out));
                case "testnet":
                    return new Result(0, TestnetCommand.run(testnetOptions(a), out));
                case TESTNET_STOP:
                    TestnetCommand.stop(testnetDirectory(a), out);
                    return new Result(0, false);
                default:
                    throw new CliException("Unknown command '" + a.command() + "'", 2);
            }
        } catch (CliException e) {
            err.println("veilswarm: " + e.getMessage());
            return new Result(e.exitCode(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(1, false);
        }
    }

    private static String[] joinTestnetStop(String[] args) {
        if (args.length >= 2 && args[0].equals("testnet") && args[1].equals("stop")) {
            String[] joined = new String[args.length - 1];
            joined[0] = TESTNET_STOP;
            System.arraycopy(args, 2, joined, 1, args.length - 2);
            return joined;
        }
        return args;
    }

    private static Path testnetDirectory(Arguments a) {
        return Path.of(a.option("dir").orElse("testnet")).toAbsolutePath().normalize();
    }

    static TestnetCommand.Options testnetOptions(Arguments a) throws CliException {
        String scheme = a.option("scheme").orElse("consensus").trim();
        List<String> features = a.option("features").map(VeilswarmCli::list)
                .orElse(TestnetPlan.defaultFeatures(scheme));
        if (features.isEmpty()) {
            throw new CliException("--features lists no feature", 2);
        }
        return new TestnetCommand.Options(testnetDirectory(a), number(a, "nodes", 8), number(a, "authorities", 3),
                number(a, "base-port", 19_000), scheme, features, Duration.ofSeconds(number(a, "timeout", 180)),
                a.flag("reset"));
    }

    private static List<String> list(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int number(Arguments a, String option, int defaultValue) throws CliException {
        Optional<String> value = a.option(option);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.get().trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException("--" + option + " must be a positive whole number, not '" + value.get() + "'", 2);
    }

    /**
     * One line per record on stderr; the launcher and the node's bundles ({@code org.veilswarm}) at INFO,
     * everything else that logs through java.util.logging in this JVM (the libraries' slf4j records arrive there
     * through the node's slf4j provider) at WARNING, unless the operator configured logging.
     */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger ours = java.util.logging.Logger.getLogger("org.veilswarm");
        ours.setLevel(java.util.logging.Level.INFO);
        CONFIGURED_LOGGERS.add(root);
        CONFIGURED_LOGGERS.add(ours);
    }
}
