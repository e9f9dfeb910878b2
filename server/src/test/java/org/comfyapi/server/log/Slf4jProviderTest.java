package org.comfyapi.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Slf4jProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.writeTo(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.writeTo(System.out);
        Log.configure(Log.Level.INFO, false);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void libraryWarningsGoThroughOurLoggerAsJson() throws Exception {
        Log.configure(Log.Level.INFO, true);
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.server.Server");
        jetty.warn("port {} busy", 8080);
        jetty.error("failed", new IllegalStateException("boom"));

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("level").asText()).isEqualTo("warn");
        assertThat(lines.get(0).get("component").asText()).isEqualTo("org.eclipse.jetty.server.Server");
        assertThat(lines.get(0).get("msg").asText()).isEqualTo("port 8080 busy");
        assertThat(lines.get(1).get("level").asText()).isEqualTo("error");
        assertThat(lines.get(1).get("exception").asText()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines.get(1).has("stack")).as("no stack trace at info").isFalse();
    }

    @Test
    void libraryInfoIsOnlyShownAtDebugAndStackTracesToo() throws Exception {
        Log.configure(Log.Level.INFO, true);
        Logger javalin = LoggerFactory.getLogger("io.javalin.Javalin");
        javalin.info("Javalin started");
        assertThat(bytes.size()).isZero();

        Log.configure(Log.Level.DEBUG, true);
        javalin.info("Javalin started");
        javalin.warn("bad", new IllegalStateException("boom"));
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("level").asText()).isEqualTo("debug");
        assertThat(lines.get(1).get("stack").asText()).contains("IllegalStateException: boom", "at org.comfyapi");
    }

    @Test
    void levelAboveWarnSilencesLibraryWarnings() {
        Log.configure(Log.Level.ERROR, true);
        LoggerFactory.getLogger("software.amazon.awssdk.Test").warn("ignored");
        assertThat(bytes.size()).isZero();
    }

    @Test
    void numbersAndBooleansAreJsonValues() throws Exception {
        Log.configure(Log.Level.INFO, true);
        Log.get("test").info("values", "pid", 5875L, "port", 3000, "ratio", 0.5, "ok", true,
                "nan", Double.NaN, "none", null, "name", "x");
        JsonNode line = lines().getFirst();
        assertThat(line.get("pid").isIntegralNumber()).isTrue();
        assertThat(line.get("pid").asLong()).isEqualTo(5875L);
        assertThat(line.get("port").asInt()).isEqualTo(3000);
        assertThat(line.get("ratio").isDouble()).isTrue();
        assertThat(line.get("ok").isBoolean()).isTrue();
        assertThat(line.get("nan").asText()).isEqualTo("NaN");
        assertThat(line.get("none").isNull()).isTrue();
        assertThat(line.get("name").asText()).isEqualTo("x");
    }
}
