package org.veilswarm.transport.tor.control;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of a control-port reply without its status code and separator (control-spec §2.3). A
 * data reply line ({@code 250+key=}) also carries the data block that followed it, dot-unstuffed,
 * its lines joined by {@code "\n"} without a trailing newline.
 */
public final class ReplyLine {
    private final String text;
    private final String data;

    public ReplyLine(String text, String data) {
        this.text = Objects.requireNonNull(text, "text");
        this.data = data;
    }

    public ReplyLine(String text) {
        this(text, null);
    }

    /** The text after the status code and separator, e.g. {@code "version=0.4.9.11"} or {@code "OK"}. */
    public String text() {
        return text;
    }

    /** The data block of a {@code +} line, if this was one. */
    public Optional<String> data() {
        return Optional.ofNullable(data);
    }

    public boolean hasData() {
        return data != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplyLine other && text.equals(other.text) && Objects.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, data);
    }

    @Override
    public String toString() {
        return data == null ? text : text + "<data " + data.length() + " chars>";
    }
}
