package org.veilswarm.console.impl.settings;

/**
 * A setting the node should have but no bundle reads yet: listed by {@code GET /api/settings} so the page can say
 * so instead of offering a field that changes nothing.
 *
 * @param name the JSON name it will have
 * @param label a short name for the settings page
 * @param reason why it cannot be set, naming the bundle that would have to read it
 */
public record UnavailableSetting(String name, String label, String reason) {
}
