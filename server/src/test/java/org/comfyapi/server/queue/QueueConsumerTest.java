package org.comfyapi.server.queue;

import org.comfyapi.server.config.Env;

import org.junit.jupiter.api.AfterEach;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream consumer against a real redis-server, with a fake runner standing in for ComfyUI. */
class QueueConsumerTest extends SharedRedisTest {
    private static final AtomicInteger QUEUES = new AtomicInteger();

    private final List<QueueConsumer> consumers = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();
    private String name;

    @BeforeEach
    void freshQueue() {
        name = "q" + QUEUES.incrementAndGet();
    }

    @AfterEach
    void closeConsumers() {
        consumers.forEach(QueueConsumer::close);
        clients.forEach(RedisClient::close);
    }

    @Test
    void runsAJobAddedWithXaddAndAcknowledgesItOnlyAfterDelivery() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.hold("job-1");
        consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"job-1\",\"prompt\":{\"1\":{}}}"));

        QueuedJob job = runner.awaitStart();
        assertThat(job.jobId()).isEqualTo("job-1");
        assertThat(job.route()).isEqualTo("/prompt");
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.body().path("prompt").has("1")).isTrue();
        assertThat(pendingCount()).as("unacknowledged while it runs").isEqualTo(1);

        runner.release("job-1");
        await(() -> pendingCount() == 0 && client.xlen(name) == 0, "the job acknowledged and removed");
        assertThat(runner.delivered).extracting(QueuedJob::jobId).containsExactly("job-1");
    }

    @Test
    void aWorkflowRouteAndABodyWithoutIdRunWithTheEntryIdAsJobId() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.workflows.add("sd/txt2img");
        consumer(runner, new AtomicInteger(), 30);
        StreamEntryID entry = xadd(Map.of("body", "{\"input\":{\"prompt\":\"a cat\"}}", "route", "/workflow/sd/txt2img"));

        QueuedJob job = runner.awaitStart();
        assertThat(job.route()).isEqualTo("/workflow/sd/txt2img");
        assertThat(job.jobId()).isEqualTo(entry.toString());
        assertThat(job.body().path("input").path("prompt").asText()).isEqualTo("a cat");
    }

    @Test
    void malformedEntriesGoToTheDeadLettersAtOnceAndTheConsumerGoesOn() throws Exception {
        FakeRunner runner = new FakeRunner();
        consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("prompt", "{}"));
        xadd(Map.of("body", "{not json"));
        xadd(Map.of("body", "[1,2]"));
        xadd(Map.of("body", "{\"id\":\"lost\"}", "route", "/workflow/missing"));
        xadd(Map.of("body", "{\"id\":\"x\"}", "route", "/upload"));
        xadd(Map.of("body", "{\"id\":\"good\"}"));

        await(() -> runner.delivered.size() == 1, "the well-formed job delivered");
        await(() -> pendingCount() == 0 && client.xlen(name) == 0, "every entry acknowledged");
        List<StreamEntry> dead = client.xrange(name + ":dead", (StreamEntryID) null, null);
        assertThat(dead).extracting(e -> e.getFields().get("error")).satisfiesExactly(
                e -> assertThat(e).contains("no body"),
                e -> assertThat(e).contains("not JSON"),
                e -> assertThat(e).contains("JSON object"),
                e -> assertThat(e).contains("unknown route \"/workflow/missing\""),
                e -> assertThat(e).contains("unknown route \"/upload\""));
        assertThat(dead.get(1).getFields()).containsEntry("body", "{not json").containsKey("entry").containsKey("failed_at");
        assertThat(runner.runs).extracting(QueuedJob::jobId).containsExactly("good");
    }

    @Test
    void takesWorkOnlyWhileItsComfyHasRoom() throws Exception {
        FakeRunner busyRunner = new FakeRunner();
        FakeRunner idleRunner = new FakeRunner();
        busyRunner.hold("a");
        AtomicInteger secondComfyBusy = new AtomicInteger(1);
        consumer(busyRunner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"a\"}"));
        busyRunner.awaitStart();
        consumer(idleRunner, secondComfyBusy, 30);

        xadd(Map.of("body", "{\"id\":\"b\"}"));
        assertThat(pendingCount()).as("b stays in the stream while both instances are full").isEqualTo(1);

        secondComfyBusy.set(0);
        assertThat(idleRunner.awaitStart().jobId()).isEqualTo("b");
        assertThat(busyRunner.runs).extracting(QueuedJob::jobId).containsExactly("a");
        busyRunner.release("a");
        await(() -> pendingCount() == 0, "both acknowledged");
    }

    @Test
    void theNextJobStartsAtComfyWhileThePreviousOneIsDelivered() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.holdDelivery("first");
        runner.holdDelivery("second");
        runner.holdDelivery("third");
        consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"first\"}"));
        xadd(Map.of("body", "{\"id\":\"second\"}"));
        xadd(Map.of("body", "{\"id\":\"third\"}"));

        assertThat(runner.awaitStart().jobId()).isEqualTo("first");
        assertThat(runner.awaitStart().jobId()).as("taken while first is still being delivered").isEqualTo("second");
        assertThat(pendingCount()).as("at most twice QUEUE_PREFETCH unacknowledged").isEqualTo(2);
        runner.release("first");
        assertThat(runner.awaitStart().jobId()).isEqualTo("third");
        runner.release("second");
        runner.release("third");
        await(() -> pendingCount() == 0 && runner.delivered.size() == 3, "all three delivered");
    }

    @Test
    void claimsTheJobOfAnInstanceThatDied() throws Exception {
        client.xgroupCreate(name, name, new StreamEntryID(0, 0), true);
        xadd(Map.of("body", "{\"id\":\"orphan\"}"));
        client.xreadGroup(name, "dead-instance", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(name, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

        FakeRunner runner = new FakeRunner();
        consumer(runner, new AtomicInteger(), 1);
        QueuedJob job = runner.awaitStart();
        assertThat(job.jobId()).isEqualTo("orphan");
        assertThat(job.attempt()).isEqualTo(2);
        await(() -> pendingCount() == 0, "the claimed job acknowledged");
    }

    @Test
    void aJobThatNeverFinishesGoesToTheDeadLettersAfterMaxAttempts() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.answer("poison", job -> RunOutcome.unfinished("ComfyUI exited while running the prompt"));
        consumer(runner, new AtomicInteger(), 1);
        xadd(Map.of("body", "{\"id\":\"poison\"}"));

        await(() -> runner.deadLettered.containsKey("poison"), "the poison job dead-lettered");
        assertThat(runner.runs).extracting(QueuedJob::attempt).containsExactly(1, 2, 3);
        assertThat(runner.deadLettered.get("poison"))
                .isEqualTo("Gave up after 3 attempts: ComfyUI exited while running the prompt");
        await(() -> pendingCount() == 0 && client.xlen(name) == 0, "the poison entry acknowledged");
        List<StreamEntry> dead = client.xrange(name + ":dead", (StreamEntryID) null, null);
        assertThat(dead).hasSize(1);
        assertThat(dead.getFirst().getFields())
                .containsEntry("id", "poison")
                .containsEntry("attempts", "4")
                .containsEntry("error", "Gave up after 3 attempts: ComfyUI exited while running the prompt");
        assertThat(client.hlen(name + ":errors")).isZero();
    }

    @Test
    void aJobAlreadyFinalIsAcknowledgedWithoutRunning() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.finalJobs.add("done");
        consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"done\"}"));
        xadd(Map.of("body", "{\"id\":\"next\"}"));

        await(() -> runner.delivered.size() == 1 && pendingCount() == 0 && client.xlen(name) == 0, "both acknowledged");
        assertThat(runner.runs).extracting(QueuedJob::jobId).containsExactly("next");
    }

    @Test
    void aRunningJobKeepsItsLeaseSoNoOtherInstanceClaimsIt() throws Exception {
        FakeRunner first = new FakeRunner();
        FakeRunner second = new FakeRunner();
        first.hold("long");
        second.hold("long");
        consumer(first, new AtomicInteger(), 1);
        consumer(second, new AtomicInteger(), 1);
        xadd(Map.of("body", "{\"id\":\"long\"}"));
        long started = System.nanoTime();
        FakeRunner runner = awaitEither(first, second);

        // Three lease periods pass while it runs; its idle time must stay under the claim threshold.
        while (System.nanoTime() - started < Duration.ofMillis(3_000).toNanos()) {
            List<StreamPendingEntry> pending = client.xpending(name, name, XPendingParams.xPendingParams().count(10));
            assertThat(pending).hasSize(1);
            assertThat(pending.getFirst().getIdleTime()).isLessThan(1_000);
            assertThat(pending.getFirst().getDeliveredTimes()).isEqualTo(1);
            Thread.sleep(50);
        }
        first.release("long");
        second.release("long");
        await(() -> pendingCount() == 0, "the job acknowledged");
        assertThat(first.runs.size() + second.runs.size()).isEqualTo(1);
        assertThat(runner.delivered).hasSize(1);
    }

    @Test
    void survivesARedisRestartMidRunAndAcknowledgesAfterIt() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.hold("r1");
        consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"r1\"}"));
        runner.awaitStart();

        redis.stop();
        runner.release("r1");
        await(() -> runner.delivered.size() == 1, "r1 delivered while Redis is down");
        redis.start();

        await(() -> pendingCount() == 0, "r1 acknowledged once Redis is back");
        xadd(Map.of("body", "{\"id\":\"r2\"}"));
        await(() -> runner.delivered.size() == 2, "a job added after the restart runs");
        assertThat(runner.runs).extracting(QueuedJob::jobId).containsExactly("r1", "r2");
    }

    @Test
    void afterStopTakingItFinishesAndAcknowledgesWhatRunsButTakesNothingNew() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.hold("s1");
        QueueConsumer consumer = consumer(runner, new AtomicInteger(), 30);
        xadd(Map.of("body", "{\"id\":\"s1\"}"));
        runner.awaitStart();

        consumer.stopTaking();
        xadd(Map.of("body", "{\"id\":\"s2\"}"));
        runner.release("s1");
        assertThat(consumer.awaitIdle(Duration.ofSeconds(20))).isTrue();

        assertThat(pendingCount()).isZero();
        assertThat(client.xlen(name)).as("s2 left in the stream for another instance").isEqualTo(1);
        assertThat(runner.runs).extracting(QueuedJob::jobId).containsExactly("s1");
    }

    private QueueConsumer consumer(FakeRunner runner, AtomicInteger comfyBusy, int claimIdleSeconds) {
        Map<String, String> env = new HashMap<>();
        env.put("QUEUE_URL", redis.url());
        env.put("QUEUE_NAME", name);
        env.put("QUEUE_CLAIM_IDLE_S", String.valueOf(claimIdleSeconds));
        QueueSettings settings = QueueSettings.fromEnv(new Env(env)).orElseThrow();
        RedisClient consumerClient = Redis.open(settings, "test");
        clients.add(consumerClient);
        QueueConsumer consumer = new QueueConsumer(consumerClient, settings, "instance-" + consumers.size(),
                runner, comfyBusy::get);
        consumers.add(consumer);
        consumer.start();
        return consumer;
    }

    private StreamEntryID xadd(Map<String, String> fields) {
        return client.xadd(name, StreamEntryID.NEW_ENTRY, fields);
    }

    /** Entries delivered and not acknowledged; -1 while the test's own connection is being re-established. */
    private long pendingCount() {
        try {
            if (!client.exists(name)) return 0;
            return client.xpending(name, name).getTotal();
        } catch (JedisConnectionException reconnecting) {
            return -1;
        }
    }

    private static FakeRunner awaitEither(FakeRunner first, FakeRunner second) throws InterruptedException {
        await(() -> !first.runs.isEmpty() || !second.runs.isEmpty(), "the job started on one instance");
        return first.runs.isEmpty() ? second : first;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
