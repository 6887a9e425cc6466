package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.veilswarm.launcher.internal.ConsoleUrlFile;
import org.veilswarm.launcher.internal.ConsoleUrlFile.ConsoleUrl;

/**
 * Talks to a running node's REST API with the management token as a Bearer token (exempt from CSRF checks,
 * as browsers never attach it on their own); the base URL and token come from {@code <data>/console.url}.
 */
final class RunningNodeClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final Path dataDirectory;
    private final ConsoleUrl console;
    private final HttpClient http;

    private RunningNodeClient(Path dataDirectory, ConsoleUrl console) {
        this.dataDirectory = dataDirectory;
        this.console = console;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static RunningNodeClient forDataDirectory(Path dataDirectory) throws CliException {
        ConsoleUrlFile file = new ConsoleUrlFile(dataDirectory);
        Optional<ConsoleUrl> url;
        try {
            url = file.read();
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        if (url.isEmpty()) {
            throw new CliException("No Veilswarm node is running with data directory " + dataDirectory + " ("
                    + file.path() + " does not exist or holds no console URL). Start one with: veilswarm run --data "
                    + dataDirectory);
        }
        return new RunningNodeClient(dataDirectory, url.get());
    }

    /** GETs {@code path} (such as {@code /api/node}) and parses the JSON answer. */
    JsonValue get(String path) throws CliException {
        return send("GET", path, null);
    }

    /** POSTs a JSON object to {@code path} and parses the JSON answer (any 2xx status is success). */
    JsonObject post(String path, JsonObject body) throws CliException {
        JsonValue answer = send("POST", path, body);
        if (!(answer instanceof JsonObject)) {
            throw new CliException("The node's answer to POST " + path + " is not a JSON object: " + answer);
        }
        return (JsonObject) answer;
    }

    private JsonValue send(String method, String path, JsonObject body) throws CliException {
        URI uri = console.base().resolve(path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + console.token()).header("Accept", "application/json");
        if (body == null) {
            builder.GET();
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("No Veilswarm node answers at " + console.base() + " (from " + dataDirectory.resolve(
                    ConsoleUrlFile.NAME) + "): the node is not running, or stopped without cleaning up. Start one"
                    + " with: veilswarm run --data " + dataDirectory);
        } catch (HttpTimeoutException e) {
            throw new CliException("The node at " + console.base() + " did not answer " + path + " within "
                    + REQUEST_TIMEOUT.toSeconds() + " s.");
        } catch (IOException e) {
            throw new CliException("Cannot reach the node at " + console.base() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted");
        }
        JsonValue answer = parse(response.body());
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String error = answer instanceof JsonObject && ((JsonObject) answer).get("error") instanceof JsonString
                    ? ((JsonObject) answer).getString("error") : abbreviate(response.body());
            throw new CliException("The node answered " + status + " to " + method + " " + path + ": " + error
                    + (status == 401 ? " (the management token in " + ConsoleUrlFile.NAME
                            + " was not accepted: is that file from another node?)" : "")
                    + (status == 503 ? " (does the node run the 'share' feature? veilswarm run --features"
                            + " core,console,transport-direct,tracker-journal,share)" : ""));
        }
        if (answer == null) {
            throw new CliException("The node's answer to " + method + " " + path + " is not JSON: "
                    + abbreviate(response.body()));
        }
        return answer;
    }

    URI base() {
        return console.base();
    }

    private static JsonValue parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
