package org.veilswarm.launcher.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <command> [--option value | --option=value]...}: small enough that a CLI library would be the
 * bigger part of the code.
 */
final class Arguments {

    private final String command;
    private final Map<String, String> options;
    private final List<String> operands;

    private Arguments(String command, Map<String, String> options) {
        this(command, options, List.of());
    }

    private Arguments(String command, Map<String, String> options, List<String> operands) {
        this.command = command;
        this.options = options;
        this.operands = List.copyOf(operands);
    }

    /**
     * @param allowed the options each command accepts, without leading dashes
     * @throws CliException (exit code 2) for an unknown command or option, or an option without value
     */
    static Arguments parse(String[] args, Map<String, Set<String>> allowed) throws CliException {
        return parse(args, allowed, Map.of(), Map.of());
    }

    /**
     * @param flags    per command, the options that take no value (present: value {@code "true"})
     * @param operands per command, how many arguments without {@code --} it takes (exactly)
     */
    static Arguments parse(String[] args, Map<String, Set<String>> allowed, Map<String, Set<String>> flags,
            Map<String, Integer> operands) throws CliException {
        if (args.length == 0) {
            return new Arguments("help", Map.of());
        }
        String command = args[0];
        if (command.equals("--help") || command.equals("-h")) {
            command = "help";
        } else if (command.equals("--version")) {
            command = "version";
        }
        Set<String> known = allowed.get(command);
        if (known == null) {
            throw new CliException("Unknown command '" + command + "'. Try: veilswarm --help", 2);
        }
        Set<String> commandFlags = flags.getOrDefault(command, Set.of());
        int wantedOperands = operands.getOrDefault(command, 0);
        List<String> given = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                return new Arguments("help", Map.of());
            }
            if (!a.startsWith("--") && given.size() < wantedOperands) {
                given.add(a);
                continue;
            }
            if (a.length() > 2 && commandFlags.contains(a.substring(2))) {
                options.put(a.substring(2), "true");
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new CliException("Unexpected argument '" + a + "' for '" + command + "'. Try: veilswarm --help", 2);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
                value = rest.get(++i);
            } else {
                throw new CliException("Option --" + name + " needs a value. Try: veilswarm --help", 2);
            }
            if (!known.contains(name)) {
                throw new CliException("'" + command + "' has no option --" + name + ". Try: veilswarm --help", 2);
            }
            options.put(name, value);
        }
        if (given.size() < wantedOperands) {
            throw new CliException("'" + command + "' needs " + wantedOperands + " argument" + (wantedOperands == 1 ? "" : "s")
                    + ". Try: veilswarm --help", 2);
        }
        return new Arguments(command, options, given);
    }

    /** The arguments without {@code --}, in order. */
    List<String> operands() {
        return operands;
    }

    boolean flag(String name) {
        return "true".equals(options.get(name));
    }

    String command() {
        return command;
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
