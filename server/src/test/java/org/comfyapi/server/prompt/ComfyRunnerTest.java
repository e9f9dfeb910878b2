package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyAvailability;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.ExecutionFailure;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.TimedOut;
import org.comfyapi.server.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** ComfyRunner against the ComfyUI simulator as a child process: what a run returns and how it fails. */
class ComfyRunnerTest {
    /** ComfyUI is up for the whole test: the supervisor's part is not under test here. */
    private static final ComfyAvailability UP = new ComfyAvailability() {
        @Override
        public void await(Duration max) {
        }

        @Override
        public void recheck() {
        }

        @Override
        public Optional<String> lostBecause() {
            return Optional.empty();
        }

        @Override
        public void stuck(String reason) {
        }
    };

    @TempDir
    static Path home;
    private static Process simulator;
    private static ComfyClient client;
    private static ComfyEvents events;
    private static ComfyRunner runner;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String jar = System.getProperty("simulator.jar", "../simulator/target/comfyui-simulator.jar");
        simulator = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-jar", Path.of(jar).toAbsolutePath().toString(), "--port",
                String.valueOf(port), "--base-directory", home.toString(), "--step-ms", "5")
                .redirectErrorStream(true).redirectOutput(home.resolve("simulator.log").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        client = new ComfyClient(base);
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                client.queueState();
                break;
            } catch (ComfyUnavailableException e) {
                assertThat(simulator.isAlive()).as("simulator running").isTrue();
                assertThat(System.nanoTime()).as("simulator answers within 60 s").isLessThan(giveUpAt);
                pollInterval();
            }
        }
        String clientId = UUID.randomUUID().toString();
        events = new ComfyEvents(clientId, URI.create("ws://127.0.0.1:" + port + "/ws?clientId=" + clientId));
        events.start();
        runner = new ComfyRunner(client, events, UP,
                new RunLimits(Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (events != null) events.close();
        if (simulator != null) simulator.destroyForcibly().onExit().join();
    }

    /** Between two looks at the simulator: returns early if it exits. */
    private static void pollInterval() {
        simulator.onExit().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
    }

    private static ObjectNode graph(String json) throws IOException {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    private static ObjectNode fault(String mode) throws IOException {
        return graph("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 1}},
                 "2": {"class_type": "SimulatorFault", "inputs": {"mode": "%s", "ms": 0, "images": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "fault", "images": ["2", 0]}}}
                """.formatted(mode));
    }

    @Test
    void aFinishedPromptComesBackWithItsHistoryAndTimes() throws Exception {
        ObjectNode invert = graph("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 255}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "runner", "images": ["2", 0]}}}
                """);
        List<String> sent = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void sent(String requestId, String promptId) {
                sent.add(requestId + "=" + promptId);
            }
        };

        ComfyRun run = runner.run("ok-1", invert, false, listener, Deadline.none());

        assertThat(run.history().path("outputs").path("3").path("images").get(0).path("filename").asText())
                .startsWith("runner");
        assertThat(run.history().path("status").path("completed").asBoolean()).isTrue();
        assertThat(sent).containsExactly("ok-1=" + run.comfyPromptId());
        assertThat(runner.requestIdOf(run.comfyPromptId())).contains("ok-1");
        assertThat(run.executionEnd()).isGreaterThanOrEqualTo(run.executionStart());
    }

    @Test
    void aNodeThatRaisesFailsTheRunAtThatNode() throws Exception {
        ExecutionFailure failure = catchThrowableOfType(ExecutionFailure.class,
                () -> runner.run("err-1", fault("error"), false, RunListener.NONE, Deadline.none()));

        assertThat(failure.getMessage()).isEqualTo("SimulatorFault: injected error (mode=error)");
        assertThat(failure.location()).isEqualTo("prompt.2");
        assertThat(failure.details().path("node_type").asText()).isEqualTo("SimulatorFault");
    }

    @Test
    void aGraphComfyUIRejectsIsBadInputNamingTheNode() throws Exception {
        ObjectNode broken = graph("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 1}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["9", 0]}}}
                """);

        BadInput bad = catchThrowableOfType(BadInput.class,
                () -> runner.run("bad-1", broken, false, RunListener.NONE, Deadline.none()));

        assertThat(bad.location()).startsWith("prompt.3");
        assertThat(bad.details().has("node_errors")).isTrue();
    }

    @Test
    void aHungPromptTimesOutAndIsInterruptedAtComfyUI() throws Exception {
        Deadline deadline = runner.deadlineFor(Json.MAPPER.createObjectNode().put("timeout", 1));

        RequestError error = catchThrowableOfType(TimedOut.class,
                () -> runner.run("hang-1", fault("hang"), false, RunListener.NONE, deadline));

        assertThat(error.getMessage()).isEqualTo("Prompt timed out after 1 s");
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!client.queueState().running().isEmpty()) {
            assertThat(System.nanoTime()).as("ComfyUI stops the timed-out prompt within 20 s").isLessThan(giveUpAt);
            pollInterval();
        }
        assertThat(client.queueState().pending()).isEmpty();
    }
}
