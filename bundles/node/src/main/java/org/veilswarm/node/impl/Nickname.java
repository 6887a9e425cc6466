package org.veilswarm.node.impl;

/** The operator-chosen display name of a node: not secret, not unique, shown in the console and the CLI. */
final class Nickname {

    static final String DEFAULT = "veilswarm";
    static final int MAX_LENGTH = 64;

    private Nickname() {
    }

    /**
     * The nickname with surrounding white space removed.
     *
     * @throws IllegalArgumentException saying what is wrong: empty, too long, or a control character (which
     *         would let a nickname forge lines in logs and terminals)
     */
    static String check(String requested) {
        if (requested == null || requested.isBlank()) {
            throw new IllegalArgumentException("nickname is empty");
        }
        String nickname = requested.strip();
        if (nickname.codePointCount(0, nickname.length()) > MAX_LENGTH) {
            throw new IllegalArgumentException("nickname is longer than " + MAX_LENGTH + " characters");
        }
        int control = nickname.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (control >= 0) {
            throw new IllegalArgumentException(String.format("nickname contains control character U+%04X", control));
        }
        return nickname;
    }
}
