package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target for the REST API's request bodies. In a plain {@code mvn verify} it runs once per seed in
 * {@code src/test/resources/org/veilswarm/console/impl/http/JsonFuzzTestInputs/parseThenReWrite/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates inputs (docs/fuzzing.md).
 */
class JsonFuzzTest {

    /**
     * Only a 400 may escape; whatever parses, once written, must parse and write to the same bytes again (not
     * to an equal object: {@code 3e-0} is read as a decimal and written as {@code 3}, which reads as an integer).
     */
    @FuzzTest(maxDuration = "60s")
    void parseThenReWrite(byte[] input) {
        JsonObject body;
        try {
            body = Json.parseObject(input);
        } catch (ApiException refused) {
            assertEquals(400, refused.status(), refused.getMessage());
            return;
        }
        try {
            byte[] written = Json.write(body);
            assertEquals(new String(written, StandardCharsets.UTF_8),
                    new String(Json.write(Json.parseObject(written)), StandardCharsets.UTF_8));
        } catch (ApiException e) {
            throw new AssertionError("a parsed body, written again, does not parse: " + e.getMessage(), e);
        }
    }
}
