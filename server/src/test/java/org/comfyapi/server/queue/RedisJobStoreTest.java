package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.config.Env;
import org.comfyapi.server.config.JobRetention;
import org.comfyapi.server.error.Conflict;
import org.comfyapi.server.job.InMemoryJobStore;
import org.comfyapi.server.job.JobEvent;
import org.comfyapi.server.job.JobOutput;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.JobSubscription;
import org.comfyapi.server.job.Progress;

import org.junit.jupiter.api.AfterEach;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job state and events in Redis, seen through two registries as two instances of a fleet would. */
class RedisJobStoreTest extends SharedRedisTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger QUEUES = new AtomicInteger();

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private QueueKeys keys;
    private JobRegistry first;
    private JobRegistry second;

    @BeforeEach
    void twoInstances() {
        keys = new QueueKeys("jobs" + QUEUES.incrementAndGet());
        first = registry("a", 100);
        second = registry("b", 100);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    @Test
    void anotherInstanceSeesTheSameStatusBody() throws Exception {
        first.accept("job-1");
        first.sentToComfy("job-1", "comfy-1", 2);
        assertThat(JSON.readTree(second.get("job-1").orElseThrow().json()).get("queue_position").asInt()).isEqualTo(2);

        now.addAndGet(1_000);
        first.running("job-1");
        first.progress("job-1", new Progress("3", "KSampler", 4, 20));
        first.output("job-1", new JobOutput("9", "job-1_x.png", "image/png", 123, "s3://bucket/job-1_x.png"));
        assertThat(second.get("job-1").orElseThrow().json()).isEqualTo(first.get("job-1").orElseThrow().json());

        first.finish("job-1", JobStatus.COMPLETED, "{\"7\":{\"text\":[\"hi\"]}}", null);
        JobState done = second.get("job-1").orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.progress()).isNull();
        assertThat(done.outputs()).containsExactly(new JobOutput("9", "job-1_x.png", "image/png", 123, "s3://bucket/job-1_x.png"));
        assertThat(JSON.readTree(done.json()).get("ui").path("7").path("text").get(0).asText()).isEqualTo("hi");
        assertThat(client.ttl(keys.job("job-1"))).as("a finished job expires on its own").isPositive();
        assertThat(second.get("unknown")).isEmpty();
    }

    @Test
    void anIdQueuedOnOneInstanceIsAConflictOnAnotherUntilItFinishes() {
        first.accept("same");
        assertThatThrownBy(() -> second.accept("same")).isInstanceOf(Conflict.class)
                .hasMessageContaining("already queued");
        first.running("same");
        assertThatThrownBy(() -> second.accept("same")).hasMessageContaining("already running");
        first.finish("same", JobStatus.FAILED, null, "{\"error\":\"boom\"}");

        second.accept("same");
        assertThat(first.get("same").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(first.get("same").orElseThrow().error()).isNull();
    }

    @Test
    void aSubscriberOnAnotherInstanceGetsEveryEventInOrder() throws Exception {
        first.accept("live");
        JobSubscription sub = second.subscribe("live").orElseThrow();
        open.add(sub);
        assertThat(sub.next(Duration.ofSeconds(5)).name()).isEqualTo("status");

        first.running("live");
        first.nodeStarted("live", "3", "KSampler", false);
        first.progress("live", new Progress("3", "KSampler", 1, 2));
        first.output("live", new JobOutput("9", "live.png", "image/png", 10, "https://x/live.png"));
        first.finish("live", JobStatus.COMPLETED, null, null);

        List<String> names = new ArrayList<>();
        JobEvent last = null;
        for (JobEvent e; (e = sub.next(Duration.ofSeconds(10))) != null; ) {
            if (e.kind() == JobEvent.Kind.COMMENT) continue;
            names.add(e.name());
            last = e;
        }
        assertThat(names).containsExactly("status", "node", "progress", "output", "completed");
        assertThat(JSON.readTree(last.data()).get("outputs").get(0).get("url").asText()).isEqualTo("https://x/live.png");
        assertThat(new String(last.frame())).startsWith("event: completed\ndata: {");
    }

    @Test
    void aSubscriberAfterTheEndGetsStatusAndTheTerminalEvent() throws Exception {
        first.accept("over");
        first.finish("over", JobStatus.TIMED_OUT, null, "{\"error\":\"Prompt timed out after 1 s\",\"location\":\"timeout\"}");
        try (JobSubscription sub = second.subscribe("over").orElseThrow()) {
            assertThat(sub.next(Duration.ofSeconds(1)).name()).isEqualTo("status");
            JobEvent end = sub.next(Duration.ofSeconds(1));
            assertThat(end.name()).isEqualTo("timed_out");
            assertThat(JSON.readTree(end.data()).get("error").get("location").asText()).isEqualTo("timeout");
            assertThat(sub.next(Duration.ofSeconds(1))).isNull();
        }
        assertThat(second.subscribe("nobody")).isEmpty();
    }

    @Test
    void finishedJobsExpireByAgeAndCountFromAnyInstance() {
        JobRegistry small = registry("c", 2);
        for (String id : List.of("j1", "j2", "j3", "j4")) {
            small.accept(id);
            now.addAndGet(1_000);
            small.finish(id, JobStatus.COMPLETED, null, null);
        }
        first.accept("still-running");
        small.sweep();
        assertThat(second.get("j1")).isEmpty();
        assertThat(second.get("j2")).isEmpty();
        assertThat(second.get("j3")).isPresent();
        assertThat(second.get("j4")).isPresent();
        assertThat(second.get("still-running")).isPresent();
        assertThat(client.exists(keys.events("j1"))).isFalse();
        assertThat(second.size()).isEqualTo(3);

        now.addAndGet(Duration.ofHours(2).toMillis());
        first.sweep();
        assertThat(second.get("j3")).isEmpty();
        assertThat(second.get("j4")).isEmpty();
        assertThat(second.get("still-running")).isPresent();
    }

    @Test
    void concurrentChangesFromTwoInstancesAreNotLost() throws Exception {
        first.accept("busy");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JobRegistry registry = i % 2 == 0 ? first : second;
                String file = "out-" + i + ".png";
                done.add(pool.submit(() -> registry.output("busy", new JobOutput("9", file, "image/png", 1, "s3://b/" + file))));
            }
            for (Future<?> f : done) f.get();
        }
        assertThat(second.get("busy").orElseThrow().outputs()).hasSize(40);
    }

    @Test
    void changesMadeWhileRedisIsDownReachOtherInstancesWhenItIsBack() throws Exception {
        first.accept("outage");
        first.running("outage");
        redis.stop();
        try {
            first.progress("outage", new Progress("3", "KSampler", 2, 4));
            first.output("outage", new JobOutput("9", "o.png", "image/png", 5, "s3://b/o.png"));
            first.finish("outage", JobStatus.COMPLETED, null, null);
            assertThat(first.get("outage").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        } finally {
            redis.start();
        }
        await(() -> second.get("outage").map(j -> j.status() == JobStatus.COMPLETED).orElse(false));
        assertThat(second.get("outage").orElseThrow().outputs()).extracting(JobOutput::filename).containsExactly("o.png");
        assertThat(client.ttl(keys.job("outage"))).isPositive();
    }

    @Test
    void whileRedisIsDownNewJobsAreKeptOnTheInstanceThatRunsThem() throws Exception {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", redis.url(), "QUEUE_NAME", keys.name())))
                .orElseThrow();
        RedisClient instanceClient = Redis.open(settings, "fleet");
        open.add(instanceClient);
        JobRegistry fleet = new JobRegistry(new FleetJobStore(new InMemoryJobStore(16),
                new RedisJobStore(instanceClient, keys, Duration.ofHours(1), 16)),
                new JobRetention(Duration.ofHours(1), 100, dir.resolve("kept-fleet-" + keys.name())), now::get);
        open.add(fleet);
        fleet.accept("shared-job");
        redis.stop();
        try {
            fleet.accept("local-job");
            fleet.running("local-job");
            fleet.finish("local-job", JobStatus.COMPLETED, null, null);
            assertThat(fleet.get("local-job").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            try (JobSubscription sub = fleet.subscribe("local-job").orElseThrow()) {
                assertThat(sub.next(Duration.ofSeconds(1)).name()).isEqualTo("status");
                assertThat(sub.next(Duration.ofSeconds(1)).name()).isEqualTo("completed");
            }
        } finally {
            redis.start();
        }
        assertThat(fleet.get("shared-job").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(second.get("local-job")).isEmpty();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out");
            Thread.sleep(20);
        }
    }

    private JobRegistry registry(String instance, int maxRetained) {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", redis.url(), "QUEUE_NAME", keys.name())))
                .orElseThrow();
        RedisClient instanceClient = Redis.open(settings, instance);
        RedisJobStore store = new RedisJobStore(instanceClient, keys, Duration.ofHours(1), 16);
        JobRegistry registry = new JobRegistry(store,
                new JobRetention(Duration.ofHours(1), maxRetained, dir.resolve("kept-" + keys.name() + "-" + instance)), now::get);
        open.add(instanceClient);
        open.add(registry);
        return registry;
    }
}
