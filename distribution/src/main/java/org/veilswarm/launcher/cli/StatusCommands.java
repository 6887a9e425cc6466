package org.veilswarm.launcher.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * {@code veilswarm status} and {@code veilswarm bundles}: what {@code GET /api/node} and
 * {@code GET /api/bundles} return, as tables. Columns are taken from the JSON by name, so a field the console
 * adds later shows up in {@code status} without a change here.
 */
final class StatusCommands {

    /** Preferred columns of the bundle table, in order; those the console does not send are left out. */
    private static final List<String> BUNDLE_COLUMNS = List.of("id", "state", "startLevel", "symbolicName", "version", "name");

    private StatusCommands() {
    }

    static void status(RunningNodeClient client, PrintStream out) throws CliException {
        JsonValue node = client.get("/api/node");
        if (!(node instanceof JsonObject)) {
            throw new CliException("GET /api/node did not return a JSON object: " + node);
        }
        TextTable table = new TextTable("FIELD", "VALUE");
        flatten("", (JsonObject) node, table);
        out.println("Veilswarm node at " + client.base());
        table.print(out);
    }

    static void bundles(RunningNodeClient client, PrintStream out) throws CliException {
        JsonValue answer = client.get("/api/bundles");
        JsonArray bundles;
        if (answer instanceof JsonArray) {
            bundles = (JsonArray) answer;
        } else if (answer instanceof JsonObject && ((JsonObject) answer).get("bundles") instanceof JsonArray) {
            bundles = ((JsonObject) answer).getJsonArray("bundles");
        } else {
            throw new CliException("GET /api/bundles did not return a list of bundles: " + answer);
        }
        List<String> columns = new ArrayList<>();
        for (String c : BUNDLE_COLUMNS) {
            for (JsonValue b : bundles) {
                if (b instanceof JsonObject && ((JsonObject) b).containsKey(c)) {
                    columns.add(c);
                    break;
                }
            }
        }
        TextTable table = new TextTable(columns.stream().map(StatusCommands::header).toArray(String[]::new));
        for (JsonValue b : bundles) {
            if (b instanceof JsonObject) {
                JsonObject o = (JsonObject) b;
                table.add(columns.stream().map(c -> text(o.get(c))).toArray(String[]::new));
            }
        }
        table.print(out);
        out.println(table.size() + " bundles");
    }

    private static void flatten(String prefix, JsonObject object, TextTable table) {
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof JsonObject) {
                flatten(key + ".", (JsonObject) e.getValue(), table);
            } else {
                table.add(key, text(e.getValue()));
            }
        }
    }

    static String text(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return "";
        }
        if (v instanceof JsonString) {
            return ((JsonString) v).getString();
        }
        if (v instanceof JsonNumber) {
            return ((JsonNumber) v).toString();
        }
        if (v instanceof JsonArray) {
            List<String> items = new ArrayList<>();
            ((JsonArray) v).forEach(i -> items.add(text(i)));
            return String.join(", ", items);
        }
        return v.toString();
    }

    private static String header(String column) {
        return column.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(java.util.Locale.ROOT);
    }
}
