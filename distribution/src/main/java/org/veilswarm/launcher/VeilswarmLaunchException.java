package org.veilswarm.launcher;

import java.util.List;

/**
 * A node could not start, or is not working as its features say: the message says what and how to fix it,
 * and {@link #problems()} lists the bundles that did not resolve or start.
 */
public class VeilswarmLaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<BundleProblem> problems;

    public VeilswarmLaunchException(String message) {
        this(message, List.of(), null);
    }

    public VeilswarmLaunchException(String message, Throwable cause) {
        this(message, List.of(), cause);
    }

    public VeilswarmLaunchException(String message, List<BundleProblem> problems, Throwable cause) {
        super(withProblems(message, problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** The bundles that did not resolve or start; empty if the failure was not about bundles. */
    public List<BundleProblem> problems() {
        return problems != null ? problems : List.of(); // null after deserialization
    }

    private static String withProblems(String message, List<BundleProblem> problems) {
        if (problems.isEmpty()) {
            return message;
        }
        StringBuilder text = new StringBuilder(message);
        for (BundleProblem p : problems) {
            text.append(System.lineSeparator()).append("  ").append(p);
        }
        return text.toString();
    }
}
