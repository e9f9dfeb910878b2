package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs over real HTTP against the simulator (with previews on): status, events, async outputs, cancel. */
class JobsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** PrimitiveString into PreviewAny (a text output), beside an image so the graph saves a file. */
    private static final String UI_GRAPH = """
            {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hello jobs"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "4": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ui", "images": ["3", 0]}}}""";
    private static final JsonNode UI_EXPECTED = TestServer.JSON.createObjectNode().set("2",
            TestServer.JSON.createObjectNode().set("text", TestServer.JSON.createArrayNode().add("hello jobs")));

    @TempDir
    static Path home;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        // without PNG metadata (which holds the request id) the same pixels are the same bytes under any id
        server = TestServer.start(home, Map.of(), "--preview-method", "auto", "--disable-metadata");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static String async(String id, String graph) {
        return "{\"id\": \"" + id + "\", \"async\": true, \"prompt\": " + graph + "}";
    }

    private static TestServer.Response delete(String path) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri(path)).timeout(WAIT).DELETE().build());
    }

    private static byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(server.uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static JsonNode awaitStatus(String id, String status) throws Exception {
        JsonNode[] last = new JsonNode[1];
        TestServer.await(() -> {
            try {
                last[0] = server.get("/prompt/" + id).json();
                return status.equals(last[0].path("status").asText());
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "job " + id + " " + status);
        return last[0];
    }

    /** A prompt that holds ComfyUI until it is interrupted. */
    private static String hang(int color) {
        return Graphs.fault("hang", 0, color);
    }

    @Test
    void anAsyncJobStreamsItsEventsInOrderAndKeepsItsOutputForDownload() throws Exception {
        TestServer.Response accepted = server.post("/prompt", async("async-1", Graphs.txt2img(7, 64, 64, "jobs")));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json()).isEqualTo(TestServer.JSON.readTree("""
                {"id": "async-1", "status": "queued", "status_url": "/prompt/async-1",
                 "events_url": "/prompt/async-1/events"}"""));
        List<EventStream.Event> events;
        try (EventStream stream = EventStream.open(server.uri("/prompt/async-1/events"))) {
            assertThat(stream.status).isEqualTo(200);
            assertThat(stream.contentType).startsWith("text/event-stream");
            events = stream.all(WAIT);
        }
        List<String> names = events.stream().map(EventStream.Event::name).toList();
        assertThat(names.getFirst()).isEqualTo("status");
        assertThat(names.getLast()).isEqualTo("completed");
        assertThat(names).contains("node", "preview", "output");
        List<Long> steps = events.stream().filter(e -> e.name().equals("progress"))
                .filter(e -> e.json().path("class_type").asText().equals("KSampler"))
                .map(e -> e.json().path("value").asLong()).toList();
        assertThat(steps).containsExactly(1L, 2L, 3L, 4L);
        assertThat(names.indexOf("output")).isGreaterThan(names.lastIndexOf("progress"));
        EventStream.Event preview = events.stream().filter(e -> e.name().equals("preview")).findFirst().orElseThrow();
        assertThat(preview.json().path("node").asText()).isEqualTo("3");
        assertThat(preview.json().path("image").asText()).startsWith("data:image/jpeg;base64,");
        List<String> statuses = events.stream().filter(e -> e.name().equals("status"))
                .map(e -> e.json().path("status").asText()).toList();
        assertThat(statuses).endsWith("running");

        JsonNode job = server.get("/prompt/async-1").json();
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(events.getLast().json()).isEqualTo(job);
        assertThat(Instant.parse(job.path("started_at").asText())).isAfterOrEqualTo(Instant.parse(job.path("created_at").asText()));
        assertThat(Instant.parse(job.path("finished_at").asText())).isAfterOrEqualTo(Instant.parse(job.path("started_at").asText()));
        JsonNode output = job.path("outputs").get(0);
        assertThat(output.path("filename").asText()).isEqualTo("async-1_jobs_00001_.png");
        assertThat(output.path("content_type").asText()).isEqualTo("image/png");
        assertThat(output.path("url").asText()).isEqualTo("/prompt/async-1/outputs/async-1_jobs_00001_.png");
        byte[] kept = bytes(output.path("url").asText());
        assertThat((long) kept.length).isEqualTo(output.path("size").asLong());

        // the same graph under another id, synchronously: ComfyUI writes the same image, which comes back as base64
        TestServer.Response sync = server.post("/prompt", Graphs.body("sync-1", Graphs.txt2img(7, 64, 64, "jobs")));
        assertThat(sync.status()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(sync.json().path("images").get(0).asText())).isEqualTo(kept);
        assertThat(server.get("/prompt/sync-1").json().path("outputs").get(0).path("url").isNull()).isTrue();

        // a subscriber who comes after the end gets the status and the terminal event
        try (EventStream late = EventStream.open(server.uri("/prompt/async-1/events"))) {
            assertThat(late.all(WAIT).stream().map(EventStream.Event::name)).containsExactly("status", "completed");
        }
    }

    @Test
    void asyncOutputsAreConvertedWhenAsked() throws Exception {
        String body = "{\"id\": \"webp-1\", \"async\": true, \"convert_output\": {\"format\": \"webp\"}, \"prompt\": "
                + Graphs.invert(0x204060, 16, 16, "conv") + "}";
        assertThat(server.post("/prompt", body).status()).isEqualTo(202);
        JsonNode job = awaitStatus("webp-1", "completed");
        JsonNode output = job.path("outputs").get(0);
        assertThat(output.path("filename").asText()).isEqualTo("webp-1_conv_00001_.webp");
        assertThat(output.path("content_type").asText()).isEqualTo("image/webp");
        byte[] webp = bytes(output.path("url").asText());
        assertThat(new String(webp, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(webp, 8, 4)).isEqualTo("WEBP");

        TestServer.Response deleted = delete("/prompt/webp-1");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("status").asText()).isEqualTo("completed");
        assertThat(server.get(output.path("url").asText()).status()).isEqualTo(404);
        assertThat(home.resolve(".cache/comfyui-api/jobs/webp-1")).doesNotExist();
    }

    @Test
    void aWebhookJobIsAJobAndItsSignedWebhookCarriesUi() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String body = "{\"id\": \"hook-8\", \"webhook_v2\": \"" + receiver.url("/v2") + "\", \"prompt\": " + UI_GRAPH + "}";
            TestServer.Response accepted = server.post("/prompt", body);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.json().path("status").asText()).isEqualTo("ok");
            JsonNode hook = receiver.awaitCount(r -> r.path().equals("/v2"), 1, WAIT).getFirst().json();
            assertThat(hook.path("type").asText()).isEqualTo("prompt.complete");
            assertThat(hook.path("ui")).isEqualTo(UI_EXPECTED);
            JsonNode job = awaitStatus("hook-8", "completed");
            assertThat(job.path("ui")).isEqualTo(UI_EXPECTED);
            assertThat(job.path("outputs").get(0).path("url").isNull()).isTrue();
        }
    }

    @Test
    void twoSubscribersSeeTheSameEventsAndOneWhoLeavesEarlyHarmsNoOne() throws Exception {
        assertThat(server.post("/prompt", async("hold-2", hang(2))).status()).isEqualTo(202);
        awaitStatus("hold-2", "running");
        assertThat(server.post("/prompt", async("pair-1", Graphs.txt2img(11, 64, 64, "pair"))).status()).isEqualTo(202);
        JsonNode queued = awaitStatus("pair-1", "queued");
        TestServer.await(() -> {
            try {
                return server.get("/prompt/pair-1").json().path("queue_position").asInt(-1) == 1;
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "pair-1 behind the running prompt in ComfyUI's queue");
        assertThat(queued.path("started_at").isNull()).isTrue();
        try (EventStream a = EventStream.open(server.uri("/prompt/pair-1/events"));
             EventStream b = EventStream.open(server.uri("/prompt/pair-1/events"));
             EventStream leaver = EventStream.open(server.uri("/prompt/pair-1/events"))) {
            assertThat(leaver.next(WAIT).name()).isEqualTo("status");
            leaver.close();
            assertThat(delete("/prompt/hold-2").status()).isEqualTo(200);
            List<String> first = a.all(WAIT).stream().map(EventStream.Event::name).toList();
            List<String> second = b.all(WAIT).stream().map(EventStream.Event::name).toList();
            assertThat(first).isEqualTo(second);
            assertThat(first).startsWith("status").endsWith("completed").contains("progress", "output");
        }
        assertThat(server.get("/prompt/pair-1").json().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void deletingAQueuedAndARunningJobEndsBothInterrupted() throws Exception {
        assertThat(server.post("/prompt", async("run-3", hang(3))).status()).isEqualTo(202);
        awaitStatus("run-3", "running");
        assertThat(server.post("/prompt", async("wait-3", Graphs.invert(3, 8, 8, "wait"))).status()).isEqualTo(202);
        TestServer.await(() -> {
            try {
                return server.comfyGet("/queue").json().path("queue_pending").size() == 1;
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "wait-3 in ComfyUI's queue");
        try (EventStream events = EventStream.open(server.uri("/prompt/wait-3/events"))) {
            TestServer.Response queued = delete("/prompt/wait-3");
            assertThat(queued.status()).isEqualTo(200);
            assertThat(queued.json().path("status").asText()).isEqualTo("interrupted");
            assertThat(queued.json().path("started_at").isNull()).isTrue();
            assertThat(server.comfyGet("/queue").json().path("queue_pending").size()).isZero();
            assertThat(events.all(WAIT).getLast().name()).isEqualTo("interrupted");
        }
        TestServer.Response running = delete("/prompt/run-3");
        assertThat(running.status()).isEqualTo(200);
        assertThat(running.json().path("status").asText()).isEqualTo("interrupted");
        assertThat(running.json().path("error").path("error").asText()).contains("interrupted");
        assertThat(delete("/prompt/never-was").status()).isEqualTo(404);
    }

    @Test
    void aSyncRequestIsAJobAndItsIdCannotBeSentAgainWhileItRuns() throws Exception {
        CompletableFuture<TestServer.Response> sync = server.postAsync("/prompt", Graphs.body("busy-4", hang(4)));
        awaitStatus("busy-4", "running");
        TestServer.Response conflict = server.post("/prompt", Graphs.body("busy-4", Graphs.invert(4, 8, 8, "x")));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().path("location").asText()).isEqualTo("id");
        assertThat(delete("/prompt/busy-4").json().path("status").asText()).isEqualTo("interrupted");
        TestServer.Response answer = sync.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.json().path("error").asText()).contains("interrupted");
        assertThat(server.get("/prompt/busy-4").json().path("error")).isEqualTo(answer.json());
    }

    @Test
    void aFailingGraphEndsFailedWithTheErrorASyncRequestGets() throws Exception {
        assertThat(server.post("/prompt", async("fail-5", Graphs.fault("error", 0, 5))).status()).isEqualTo(202);
        JsonNode job = awaitStatus("fail-5", "failed");
        assertThat(job.path("error").path("location").asText()).isEqualTo("prompt.2");
        assertThat(job.path("error").path("node_type").asText()).isEqualTo("SimulatorFault");
        assertThat(job.path("outputs")).isEmpty();
    }

    @Test
    void frontQueuesAheadOfEarlierPrompts() throws Exception {
        assertThat(server.post("/prompt", async("hold-6", hang(6))).status()).isEqualTo(202);
        awaitStatus("hold-6", "running");
        assertThat(server.post("/prompt", async("back-6", Graphs.invert(6, 8, 8, "back"))).status()).isEqualTo(202);
        awaitStatus("back-6", "queued");
        String front = "{\"id\": \"front-6\", \"async\": true, \"front\": true, \"prompt\": " + Graphs.invert(7, 8, 8, "front") + "}";
        assertThat(server.post("/prompt", front).status()).isEqualTo(202);
        TestServer.await(() -> {
            try {
                return server.comfyGet("/queue").json().path("queue_pending").size() == 2;
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "both in ComfyUI's queue");
        TestServer.await(() -> {
            try {
                return server.get("/prompt/front-6").json().path("queue_position").asInt(-1) == 1
                        && server.get("/prompt/back-6").json().path("queue_position").asInt(-1) == 2;
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "front-6 right behind the running prompt, back-6 after it");
        delete("/prompt/hold-6");
        JsonNode back = awaitStatus("back-6", "completed");
        JsonNode first = awaitStatus("front-6", "completed");
        // Times are in milliseconds: two starts can share one.
        assertThat(Instant.parse(first.path("started_at").asText()))
                .isBeforeOrEqualTo(Instant.parse(back.path("started_at").asText()));
    }

    @Test
    void nonFileOutputsAreReturnedInUi() throws Exception {
        TestServer.Response sync = server.post("/prompt", Graphs.body("ui-7", UI_GRAPH));
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().path("ui")).isEqualTo(UI_EXPECTED);
        assertThat(server.get("/prompt/ui-7").json().path("ui")).isEqualTo(UI_EXPECTED);
    }

    @Test
    void badJobFieldsAndIdsAre400NamingTheField() throws Exception {
        String graph = Graphs.invert(1, 8, 8, "bad");
        TestServer.Response async = server.post("/prompt", "{\"async\": \"yes\", \"prompt\": " + graph + "}");
        assertThat(async.status()).isEqualTo(400);
        assertThat(async.json().path("location").asText()).isEqualTo("async");
        TestServer.Response front = server.post("/prompt", "{\"front\": 1, \"prompt\": " + graph + "}");
        assertThat(front.status()).isEqualTo(400);
        assertThat(front.json().path("location").asText()).isEqualTo("front");
        TestServer.Response id = server.get("/prompt/bad$id");
        assertThat(id.status()).isEqualTo(400);
        assertThat(id.json().path("location").asText()).isEqualTo("id");
        assertThat(server.get("/prompt/no-such-job").status()).isEqualTo(404);
        assertThat(server.get("/prompt/no-such-job/events").status()).isEqualTo(404);
        assertThat(server.get("/prompt/async-x/outputs/..").status()).isIn(400, 404);
        List<Integer> statuses = new ArrayList<>();
        for (String name : List.of("a..png", "%2e%2e", "..%2Fsecret")) statuses.add(server.get("/prompt/async-x/outputs/" + name).status());
        assertThat(statuses).allMatch(s -> s == 400 || s == 404);
    }
}
