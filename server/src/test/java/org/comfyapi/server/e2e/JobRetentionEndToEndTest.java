package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A finished job expires after JOB_RETENTION_S with its kept outputs; a previous run's kept files go at start. */
class JobRetentionEndToEndTest {
    @TempDir
    Path home;

    @Test
    void anExpiredJobAnswers404AndItsKeptFilesAreGone() throws Exception {
        Path kept = home.resolve(".cache/comfyui-api/jobs");
        Path stale = Files.createDirectories(kept.resolve("from-last-run")).resolve("old.png");
        Files.write(stale, new byte[]{1});
        try (TestServer server = TestServer.start(home, Map.of("JOB_RETENTION_S", "1"))) {
            assertThat(stale).doesNotExist();
            String body = "{\"id\": \"exp-1\", \"async\": true, \"prompt\": " + Graphs.invert(1, 8, 8, "exp") + "}";
            assertThat(server.post("/prompt", body).status()).isEqualTo(202);
            JsonNode[] job = new JsonNode[1];
            TestServer.await(() -> {
                try {
                    job[0] = server.get("/prompt/exp-1").json();
                    return job[0].path("status").asText().equals("completed");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "exp-1 completed");
            Path file = kept.resolve("exp-1").resolve(job[0].path("outputs").get(0).path("filename").asText());
            assertThat(file).exists();
            TestServer.await(() -> {
                try {
                    return server.get("/prompt/exp-1").status() == 404;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "exp-1 expired");
            assertThat(file).doesNotExist();
            assertThat(server.get("/prompt/exp-1/outputs/" + file.getFileName()).status()).isEqualTo(404);
        }
    }
}
