package org.comfyapi.server.http;

import org.comfyapi.server.config.JobRetention;
import org.comfyapi.server.error.RequestError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import org.comfyapi.server.job.JobOutput;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The job routes over real HTTP, with a registry the test drives in place of a running prompt. */
class JobRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path cache;
    private static JobRegistry jobs;
    private static Javalin app;
    private static String base;

    @BeforeAll
    static void start() {
        jobs = JobRegistry.inMemory(new JobRetention(Duration.ofHours(1), 100, cache.resolve("jobs")));
        jobs.start();
        JobRoutes routes = new JobRoutes(jobs, Duration.ofMillis(200));
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.routes.get("/prompt/{id}", routes::status);
            cfg.routes.get("/prompt/{id}/events", routes::events);
            cfg.routes.get("/prompt/{id}/outputs/{filename}", routes::output);
            cfg.routes.delete("/prompt/{id}", routes::delete);
            cfg.routes.exception(RequestError.class, (e, ctx) -> ErrorResponses.write(ctx, e));
        }).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.stop();
        jobs.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void statusOfAKnownJobAnd404ForAnUnknownOneAnd400ForABadId() throws Exception {
        jobs.accept("known-1");
        HttpResponse<String> ok = get("/prompt/known-1");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("status").asText()).isEqualTo("queued");

        HttpResponse<String> missing = get("/prompt/nobody");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("location").asText()).isEqualTo("id");

        HttpResponse<String> bad = get("/prompt/bad%20id");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("location").asText()).isEqualTo("id");
    }

    @Test
    void theEventStreamCarriesStatusEventsAndEndsAfterTheTerminalOne() throws Exception {
        jobs.accept("stream-1");
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/prompt/stream-1/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (!(line = in.readLine()).equals(": keep-alive")) lines.add(line);  // status, then idle
            lines.add(line);
            jobs.running("stream-1");
            jobs.progress("stream-1", new Progress("3", "KSampler", 1, 2));
            jobs.finish("stream-1", JobStatus.COMPLETED, null, null);
            while ((line = in.readLine()) != null) lines.add(line);
        }
        List<String> names = lines.stream().filter(l -> l.startsWith("event: ")).toList();
        assertThat(names).containsExactly("event: status", "event: status", "event: progress", "event: completed");
        assertThat(lines).contains("data: {\"node\":\"3\",\"class_type\":\"KSampler\",\"value\":1,\"max\":2}");
        assertThat(lines).contains(": keep-alive");
    }

    @Test
    void keptOutputsAreServedWithTheirTypeAndNothingElseIs() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
        for (String id : List.of("out-a", "out-b")) {
            jobs.accept(id);
            Files.write(jobs.keptDir(id).resolve(id + "_1.png"), png);
            jobs.output(id, new JobOutput("9", id + "_1.png", "image/png", png.length, JobRegistry.keptUrl(id, id + "_1.png")));
            jobs.finish(id, JobStatus.COMPLETED, null, null);
        }
        HttpResponse<byte[]> ok = getBytes("/prompt/out-a/outputs/out-a_1.png");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).contains("image/png");
        assertThat(ok.body()).isEqualTo(png);

        assertThat(get("/prompt/out-a/outputs/out-b_1.png").statusCode()).isEqualTo(404);
        assertThat(get("/prompt/out-a/outputs/..%2Fout-b%2Fout-b_1.png").statusCode()).isIn(400, 404);
        HttpResponse<String> dots = get("/prompt/out-a/outputs/..");
        assertThat(dots.statusCode()).isIn(400, 404);
        HttpResponse<String> traversal = get("/prompt/out-a/outputs/a..b");
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(traversal.body()).get("location").asText()).isEqualTo("filename");
    }

    @Test
    void deleteEndsAQueuedJobAndRemovesItsKeptFiles() throws Exception {
        jobs.accept("del-1");
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/prompt/del-1")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(deleted.body());
        assertThat(body.get("status").asText()).isEqualTo("interrupted");
        assertThat(body.get("error").get("location").asText()).isEqualTo("id");
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/prompt/never")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }
}
