package org.veilswarm.console.impl.settings;

/** A setting refused with the reason; {@link #field()} names it (empty for a body that names none). */
public final class SettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    public SettingsException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The setting refused, or {@code null} when the request as a whole is. */
    public String field() {
        return field;
    }
}
