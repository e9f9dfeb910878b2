package org.comfyapi.server.job;

import org.comfyapi.server.config.JobRetention;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.error.Conflict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NO_WAIT = Duration.ZERO;

    @TempDir
    Path cache;
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private JobRegistry registry;

    private JobRegistry registry(Duration retention, int max) {
        registry = new JobRegistry(new InMemoryJobStore(16), new JobRetention(retention, max, cache.resolve("jobs")), now::get);
        registry.start();
        return registry;
    }

    @AfterEach
    void close() {
        if (registry != null) registry.close();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aJobGoesFromQueuedToCompletedAndItsViewIsTheSpecBody() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 100);
        jobs.accept("a");
        JsonNode queued = json(jobs.get("a").orElseThrow().json());
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(queued.get("created_at").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(queued.get("started_at").isNull()).isTrue();
        assertThat(queued.get("queue_position").isNull()).isTrue();

        jobs.sentToComfy("a", "comfy-1", 2);
        assertThat(json(jobs.get("a").orElseThrow().json()).get("queue_position").asInt()).isEqualTo(2);
        now.addAndGet(1000);
        jobs.running("a");
        jobs.progress("a", new Progress("3", "KSampler", 4, 20));
        JsonNode running = json(jobs.get("a").orElseThrow().json());
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.get("queue_position").isNull()).isTrue();
        assertThat(running.get("started_at").asText()).isEqualTo("2023-11-14T22:13:21Z");
        assertThat(running.get("progress")).isEqualTo(json("{\"node\":\"3\",\"class_type\":\"KSampler\",\"value\":4,\"max\":20}"));

        jobs.output("a", new JobOutput("9", "a_x.png", "image/png", 123, "/prompt/a/outputs/a_x.png"));
        jobs.finish("a", JobStatus.COMPLETED, "{\"7\":{\"text\":[\"hi\"]}}", null);
        JsonNode done = json(jobs.get("a").orElseThrow().json());
        assertThat(done.fieldNames()).toIterable().containsExactly("id", "status", "created_at", "started_at",
                "finished_at", "queue_position", "progress", "outputs", "ui", "error");
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("progress").isNull()).isTrue();
        assertThat(done.get("outputs")).isEqualTo(json("[{\"node\":\"9\",\"filename\":\"a_x.png\","
                + "\"content_type\":\"image/png\",\"size\":123,\"url\":\"/prompt/a/outputs/a_x.png\"}]"));
        assertThat(done.get("ui")).isEqualTo(json("{\"7\":{\"text\":[\"hi\"]}}"));
        assertThat(done.get("error").isNull()).isTrue();
    }

    @Test
    void aQueuedOrRunningIdIsAConflictButAFinishedOneIsReplaced() {
        JobRegistry jobs = registry(Duration.ofHours(1), 100);
        jobs.accept("same");
        assertThatThrownBy(() -> jobs.accept("same")).isInstanceOf(Conflict.class)
                .hasMessageContaining("queued");
        jobs.running("same");
        assertThatThrownBy(() -> jobs.accept("same")).isInstanceOf(Conflict.class)
                .hasMessageContaining("running");
        jobs.finish("same", JobStatus.FAILED, null, "{\"error\":\"boom\",\"location\":\"prompt\"}");
        jobs.accept("same");
        assertThat(jobs.get("same").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void theFirstEndWinsAndLateReportsChangeNothing() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 100);
        jobs.accept("j");
        jobs.finish("j", JobStatus.INTERRUPTED, null, "{\"error\":\"stopped\"}");
        jobs.finish("j", JobStatus.COMPLETED, null, null);
        jobs.progress("j", new Progress("3", "KSampler", 1, 2));
        jobs.running("j");
        JsonNode view = json(jobs.get("j").orElseThrow().json());
        assertThat(view.get("status").asText()).isEqualTo("interrupted");
        assertThat(view.get("error")).isEqualTo(json("{\"error\":\"stopped\"}"));
        assertThat(view.get("progress").isNull()).isTrue();
    }

    @Test
    void finishedJobsExpireAfterTheRetentionTimeWithTheirKeptFiles() throws Exception {
        JobRegistry jobs = registry(Duration.ofSeconds(60), 100);
        jobs.accept("old");
        Path file = jobs.keptDir("old").resolve("old_1.png");
        Files.write(file, new byte[]{1, 2, 3});
        jobs.output("old", new JobOutput("9", "old_1.png", "image/png", 3, JobRegistry.keptUrl("old", "old_1.png")));
        jobs.finish("old", JobStatus.COMPLETED, null, null);
        jobs.accept("running");
        assertThat(jobs.keptOutput("old", "old_1.png")).map(JobRegistry.KeptFile::path).contains(file);

        now.addAndGet(59_000);
        jobs.sweep();
        assertThat(jobs.get("old")).isPresent();
        now.addAndGet(2_000);
        jobs.sweep();
        assertThat(jobs.get("old")).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
        assertThat(jobs.get("running")).isPresent();
    }

    @Test
    void beyondTheMaximumTheOldestFinishedJobsGoFirst() {
        JobRegistry jobs = registry(Duration.ofHours(1), 3);
        jobs.accept("live");
        for (int i = 0; i < 5; i++) {
            jobs.accept("done-" + i);
            now.addAndGet(10);
            jobs.finish("done-" + i, JobStatus.COMPLETED, null, null);
        }
        List<String> left = new ArrayList<>();
        for (int i = 0; i < 5; i++) if (jobs.get("done-" + i).isPresent()) left.add("done-" + i);
        assertThat(left).containsExactly("done-2", "done-3", "done-4");
        assertThat(jobs.get("live")).isPresent();
        assertThat(jobs.size()).isEqualTo(4);
    }

    @Test
    void keptFilesOfAPreviousRunAreWipedAtStart() throws Exception {
        Path stale = Files.createDirectories(cache.resolve("jobs/ghost")).resolve("ghost_1.png");
        Files.write(stale, new byte[]{9});
        registry(Duration.ofHours(1), 10);
        assertThat(stale).doesNotExist();
        assertThat(cache.resolve("jobs")).isDirectory();
    }

    @Test
    void onlyListedKeptFilesOfThatJobAreReachable() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 10);
        for (String id : List.of("a", "b")) {
            jobs.accept(id);
            Files.write(jobs.keptDir(id).resolve(id + "_1.png"), new byte[]{1});
            jobs.output(id, new JobOutput("9", id + "_1.png", "image/png", 1, JobRegistry.keptUrl(id, id + "_1.png")));
            jobs.finish(id, JobStatus.COMPLETED, null, null);
        }
        Files.write(jobs.keptDir("a").resolve("unlisted.png"), new byte[]{1});
        assertThat(jobs.keptOutput("a", "a_1.png")).isPresent();
        assertThat(jobs.keptOutput("a", "b_1.png")).isEmpty();
        assertThat(jobs.keptOutput("a", "../b/b_1.png")).isEmpty();
        assertThat(jobs.keptOutput("a", "unlisted.png")).isEmpty();
        assertThat(jobs.keptOutput("nope", "a_1.png")).isEmpty();
    }

    @Test
    void cancellingAJobThatHasNotReachedComfyEndsItInterrupted() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 10);
        jobs.accept("c");
        JobState state = jobs.cancel("c", NO_WAIT, "{\"error\":\"Job was cancelled\",\"location\":\"id\"}").orElseThrow();
        assertThat(state.status()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(json(state.json()).get("error").get("location").asText()).isEqualTo("id");
        assertThat(jobs.cancel("unknown", NO_WAIT, "{}")).isEmpty();
    }

    @Test
    void cancellingARunningJobWaitsForItsRunToEndIt() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 10);
        jobs.accept("r");
        jobs.running("r");
        List<String> asked = new ArrayList<>();
        jobs.setCanceller(id -> {
            asked.add(id);
            Thread.ofVirtual().start(() -> jobs.finish(id, JobStatus.INTERRUPTED, null, "{\"error\":\"interrupted by ComfyUI\"}"));
            return true;
        });
        JobState state = jobs.cancel("r", Duration.ofSeconds(10), "{\"error\":\"fallback\"}").orElseThrow();
        assertThat(asked).containsExactly("r");
        assertThat(state.status()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(json(state.json()).get("error").get("error").asText()).isEqualTo("interrupted by ComfyUI");
    }

    @Test
    void aJobNotRunningHereIsEndedBeforeTheOthersAreToldAndARunningOneIsNotToldAbout() throws Exception {
        JobRegistry jobs = registry(Duration.ofHours(1), 10);
        jobs.accept("elsewhere");
        jobs.running("elsewhere");
        jobs.accept("here");
        jobs.running("here");
        List<String> told = new ArrayList<>();
        jobs.setCanceller(new JobCanceller() {
            @Override
            public boolean cancel(String id) {
                if (!id.equals("here")) return false;
                Thread.ofVirtual().start(() -> jobs.finish(id, JobStatus.INTERRUPTED, null, "{\"error\":\"interrupted\"}"));
                return true;
            }

            @Override
            public void cancelElsewhere(String id) {
                told.add(id + " " + jobs.get(id).orElseThrow().status().wire());
            }
        });

        assertThat(jobs.cancel("elsewhere", Duration.ofSeconds(10), "{\"error\":\"cancelled\"}").orElseThrow().status())
                .isEqualTo(JobStatus.INTERRUPTED);
        assertThat(jobs.cancel("here", Duration.ofSeconds(10), "{\"error\":\"cancelled\"}").orElseThrow().status())
                .isEqualTo(JobStatus.INTERRUPTED);
        assertThat(told).as("told once the job is final; a job stopped here needs no message").containsExactly("elsewhere interrupted");
    }
}
