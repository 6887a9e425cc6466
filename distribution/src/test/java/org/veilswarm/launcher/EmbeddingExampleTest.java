package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the docs/embedding.md example against an installation laid out like the distribution. */
class EmbeddingExampleTest {

    @TempDir
    Path tmp;

    @Test
    void documentedExampleStartsANodeWithItsConfiguration() throws Exception {
        Path installation = installation();
        VeilswarmNode node = ApplianceExample.appliance(installation, tmp.resolve("data"), TestNodes.freePort());
        try {
            URI console = ApplianceExample.startAndShowConsole(node);
            String token = console.getPath().substring("/management/".length());
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(console.resolve("/api/node"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"appliance-42\""),
                    "the configuration given to the builder reached the node bundle: " + status.body());
        } finally {
            node.stop();
        }
    }

    /** features/ copied from the features jar, bundles/ linked to the bundles the build unpacked. */
    private Path installation() throws IOException {
        Path installation = tmp.resolve("installation");
        Files.createDirectories(installation.resolve("features"));
        Files.createDirectories(installation.resolve("deploy"));
        for (String name : new String[] {"core", "console", "transport-direct"}) {
            URL url = TestNodes.features().locate(name).orElseThrow();
            try (InputStream in = url.openStream()) {
                Files.copy(in, installation.resolve("features").resolve(name + ".json"));
            }
        }
        Files.createSymbolicLink(installation.resolve("bundles"), Path.of(System.getProperty("veilswarm.test.bundles")));
        return installation;
    }
}
