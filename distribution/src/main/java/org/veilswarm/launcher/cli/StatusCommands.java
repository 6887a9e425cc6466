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
 * adds later shows up in {@code status} without a change here. {@code status} then lists the node's shares and
 * downloads ({@code GET /api/shares}, {@code GET /api/downloads}) with their state, progress and rates, so that a
 * download that is stalled or failed shows without opening the console.
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
        transfers(client, out);
    }

    /** The shares and downloads tables; a node without the share feature (503) gets one line instead. */
    private static void transfers(RunningNodeClient client, PrintStream out) {
        List<JsonObject> shares;
        List<JsonObject> downloads;
        try {
            shares = objects(client.get("/api/shares"), "/api/shares");
            downloads = objects(client.get("/api/downloads"), "/api/downloads");
        } catch (CliException e) {
            out.println();
            out.println("Shares and downloads not shown: " + e.getMessage());
            return;
        }
        out.println();
        TextTable shareTable = new TextTable("SHARE", "STATE", "SIZE", "PEERS", "UPLOADED");
        for (JsonObject share : shares) {
            shareTable.add(nameOf(share), text(share.get("state")),
                    ProgressDisplay.bytes(ShareCommands.number(share, "totalBytes")), text(share.get("peers")),
                    ProgressDisplay.bytes(ShareCommands.number(share, "uploadedBytes")));
        }
        printOrNone(shareTable, "shares", out);
        printErrors(shares, out);
        out.println();
        TextTable downloadTable = new TextTable("DOWNLOAD", "STATE", "DONE", "OF", "DOWN", "UP", "PEERS", "ETA");
        for (JsonObject d : downloads) {
            long total = ShareCommands.number(d, "totalBytes");
            long done = ShareCommands.number(d, "completedBytes");
            JsonValue eta = d.get("etaSeconds");
            downloadTable.add(nameOf(d), text(d.get("state")),
                    total == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * done / total),
                    total == 0 ? "?" : ProgressDisplay.bytes(total),
                    ProgressDisplay.bytes(ShareCommands.number(d, "downloadRate")) + "/s",
                    ProgressDisplay.bytes(ShareCommands.number(d, "uploadRate")) + "/s", text(d.get("peers")),
                    eta instanceof JsonNumber ? ProgressDisplay.duration(((JsonNumber) eta).longValue()) : "-");
        }
        printOrNone(downloadTable, "downloads", out);
        printErrors(downloads, out);
    }

    private static String nameOf(JsonObject o) {
        return o.get("name") instanceof JsonString ? text(o.get("name")) : "(metadata not yet known)";
    }

    /** Each failed share's or download's reason, below its table (too long for a column). */
    private static void printErrors(List<JsonObject> items, PrintStream out) {
        for (JsonObject o : items) {
            if (o.get("error") instanceof JsonString) {
                out.println(nameOf(o) + ": " + text(o.get("error")));
            }
        }
    }

    private static void printOrNone(TextTable table, String what, PrintStream out) {
        if (table.size() == 0) {
            out.println("No " + what + ".");
        } else {
            table.print(out);
        }
    }

    /** The objects of the list {@code GET path} answered. */
    private static List<JsonObject> objects(JsonValue answer, String path) throws CliException {
        if (!(answer instanceof JsonArray)) {
            throw new CliException("GET " + path + " did not return a list: " + answer);
        }
        List<JsonObject> objects = new ArrayList<>();
        ((JsonArray) answer).forEach(v -> {
            if (v instanceof JsonObject) {
                objects.add((JsonObject) v);
            }
        });
        return objects;
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
