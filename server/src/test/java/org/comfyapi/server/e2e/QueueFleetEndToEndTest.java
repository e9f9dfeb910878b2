package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.queue.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queue mode end to end: three server processes, each launching its own simulator, on one real
 * redis-server. Jobs go in through the API and straight through XADD; instances die, Redis goes away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueFleetEndToEndTest {
    private static final String QUEUE = "fleet";
    private static final int INSTANCES = 3;

    @TempDir
    static Path dir;
    static RedisServer redis;
    static RedisClient client;
    static WebhookReceiver hooks;
    static final List<ServerProcess> servers = new ArrayList<>();
    static final Map<ServerProcess, Integer> comfyPorts = new HashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startFleet() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
        client = redis.client();
        hooks = new WebhookReceiver();
        for (int i = 0; i < INSTANCES; i++) servers.add(start("instance-" + i));
        for (ServerProcess server : servers) {
            TestServer.await(() -> server.status("/ready") == 200, Duration.ofSeconds(90), "instance ready");
        }
    }

    @AfterAll
    static void stopFleet() {
        servers.forEach(ServerProcess::close);
        if (hooks != null) hooks.close();
        if (client != null) client.close();
        if (redis != null) redis.close();
    }

    @Test
    @Order(1)
    void aJobSentToOneInstanceIsVisibleWithItsEventsOnEveryInstance() throws Exception {
        String body = "{\"id\":\"seen-everywhere\",\"prompt\":" + Graphs.fault("slow", 300, 7)
                + ",\"webhook_v2\":\"" + hooks.url("/seen") + "\"}";
        HttpResponse<String> accepted = post(servers.get(0), "/prompt", body);
        assertThat(accepted.statusCode()).isEqualTo(202);

        HttpResponse<String> events = http.send(HttpRequest.newBuilder(uri(servers.get(2), "/prompt/seen-everywhere/events"))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(events.statusCode()).isEqualTo(200);
        List<String> names = events.body().lines().filter(l -> l.startsWith("event: "))
                .map(l -> l.substring(7)).toList();
        assertThat(names.getFirst()).isEqualTo("status");
        assertThat(names.getLast()).isEqualTo("completed");

        hooks.awaitCount(r -> r.path().equals("/seen"), 1, Duration.ofSeconds(30));
        for (ServerProcess server : servers) {
            JsonNode status = json(get(server, "/prompt/seen-everywhere"));
            assertThat(status.get("status").asText()).isEqualTo("completed");
            assertThat(status.get("finished_at").isTextual()).isTrue();
        }
    }

    @Test
    @Order(0)
    void anAsyncJobWithNowhereToSendItsResultsIsRefusedAndNeverQueued() throws Exception {
        long before = client.xlen(QUEUE);
        HttpResponse<String> refused = post(servers.get(1), "/prompt", "{\"id\":\"nowhere\",\"async\":true,\"prompt\":"
                + Graphs.invert(0x445566, 8, 8, "x") + "}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("location").asText()).isEqualTo("webhook");
        assertThat(json(refused).get("error").asText()).contains("QUEUE_RESULTS_URL");
        assertThat(client.xlen(QUEUE)).isEqualTo(before);
        assertThat(servers.get(0).status("/prompt/nowhere")).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aPoisonJobGoesToTheDeadLettersAfterThreeAttempts() throws Exception {
        xadd("poison", Graphs.fault("crash", 0, 3), "/poison");

        List<WebhookReceiver.Received> failed = hooks.awaitCount(r -> r.path().equals("/poison"), 1, Duration.ofSeconds(120));
        assertThat(failed.getFirst().json().get("type").asText()).isEqualTo("prompt.failed");
        assertThat(failed.getFirst().json().get("error").asText()).contains("Gave up after 3 attempts");
        TestServer.await(() -> client.xlen(QUEUE + ":dead") == 1, Duration.ofSeconds(30), "the dead letter");
        StreamEntry dead = client.xrange(QUEUE + ":dead", (StreamEntryID) null, null).getFirst();
        assertThat(dead.getFields()).containsEntry("id", "poison").containsEntry("attempts", "4");
        assertThat(dead.getFields().get("error")).contains("Gave up after 3 attempts");
        assertThat(json(get(servers.get(1), "/prompt/poison")).get("status").asText()).isEqualTo("failed");
        for (ServerProcess server : servers) {
            TestServer.await(() -> server.status("/ready") == 200, Duration.ofSeconds(90), "instance ready after its ComfyUI restarted");
            assertThat(get(server, "/metrics").body()).as("attempts lost with ComfyUI are no longer in flight")
                    .contains("comfyui_api_jobs_in_flight 0.0");
        }
    }

    @Test
    @Order(3)
    void whileRedisIsDownAsyncJobsGet503AndSyncJobsRunAndQueuedJobsFinishAfterwards() throws Exception {
        for (int i = 0; i < 6; i++) xadd("outage-" + i, Graphs.fault("slow", 200, i), "/outage");
        hooks.awaitCount(r -> r.path().equals("/outage"), 1, Duration.ofSeconds(60));

        redis.stop();
        try {
            HttpResponse<String> refused = post(servers.get(1), "/prompt", "{\"id\":\"during-outage\",\"prompt\":"
                    + Graphs.invert(0x112233, 8, 8, "x") + ",\"webhook_v2\":\"" + hooks.url("/never") + "\"}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused).get("location").asText()).isEqualTo("queue");

            HttpResponse<String> sync = post(servers.get(1), "/prompt", "{\"prompt\":" + Graphs.invert(0x112233, 8, 8, "x") + "}");
            assertThat(sync.statusCode()).isEqualTo(200);
            assertThat(json(sync).get("images").size()).isEqualTo(1);
        } finally {
            redis.start();
        }

        List<WebhookReceiver.Received> done = hooks.awaitCount(r -> r.path().equals("/outage"), 6, Duration.ofSeconds(90));
        assertThat(done).extracting(r -> r.json().get("id").asText()).containsExactlyInAnyOrder(
                "outage-0", "outage-1", "outage-2", "outage-3", "outage-4", "outage-5");
        TestServer.await(() -> pending() == 0, Duration.ofSeconds(30), "every outage job acknowledged");
    }

    @Test
    @Order(4)
    void aDeleteSentToAnotherInstanceStopsTheJobWhereItRuns() throws Exception {
        int color = 0x0c0a4c;
        HttpResponse<String> accepted = post(servers.get(0), "/prompt", "{\"id\":\"cancel-running\",\"prompt\":"
                + Graphs.fault("hang", 0, color) + ",\"webhook_v2\":\"" + hooks.url("/cancel-running") + "\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        ServerProcess owner = awaitOwner("cancel-running");
        Simulator.awaitQueue(comfyPorts.get(owner), "queue_running");
        ServerProcess other = servers.stream().filter(s -> s != owner).findFirst().orElseThrow();
        CompletableFuture<HttpResponse<String>> events = http.sendAsync(HttpRequest.newBuilder(
                uri(servers.get(2), "/prompt/cancel-running/events")).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> deleted = delete(other, "/prompt/cancel-running");

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).get("status").asText()).isEqualTo("interrupted");
        TestServer.await(() -> interruptedAt(owner, color), Duration.ofSeconds(20), "the prompt interrupted at the owner's ComfyUI");
        TestServer.await(() -> pending() == 0, Duration.ofSeconds(30), "the cancelled job acknowledged");
        for (ServerProcess server : servers) {
            assertThat(json(get(server, "/prompt/cancel-running")).get("status").asText()).isEqualTo("interrupted");
        }
        List<String> names = events.get(60, TimeUnit.SECONDS).body().lines().filter(l -> l.startsWith("event: "))
                .map(l -> l.substring(7)).toList();
        assertThat(names.getLast()).isEqualTo("interrupted");
        assertThat(names).containsOnlyOnce("interrupted").doesNotContain("completed", "failed");
        assertThat(comfyEnds(owner, color)).containsExactly("execution_interrupted");
        assertThat(hooks.all(r -> r.path().equals("/cancel-running")))
                .noneSatisfy(r -> assertThat(r.json().get("type").asText()).isEqualTo("prompt.complete"));
    }

    @Test
    @Order(5)
    void aJobCancelledWhileStillInTheStreamNeverRuns() throws Exception {
        for (int i = 0; i < INSTANCES; i++) xadd("blocker-" + i, Graphs.fault("hang", 0, 0x0b0000 + i), "/blocker");
        TestServer.await(() -> pendingEntries().stream().map(StreamPendingEntry::getConsumerName).distinct().count() == INSTANCES,
                Duration.ofSeconds(30), "every instance busy with a blocker");
        int color = 0x0c0a5c;
        HttpResponse<String> accepted = post(servers.get(1), "/prompt", "{\"id\":\"cancel-queued\",\"prompt\":"
                + Graphs.fault("none", 0, color) + ",\"webhook_v2\":\"" + hooks.url("/cancel-queued") + "\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(json(get(servers.get(0), "/prompt/cancel-queued")).get("status").asText()).isEqualTo("queued");

        HttpResponse<String> deleted = delete(servers.get(2), "/prompt/cancel-queued");
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).get("status").asText()).isEqualTo("interrupted");

        for (int i = 0; i < INSTANCES; i++) {
            ServerProcess owner = awaitOwner("blocker-" + i);
            ServerProcess other = servers.get((servers.indexOf(owner) + 1) % INSTANCES);
            assertThat(json(delete(other, "/prompt/blocker-" + i)).get("status").asText()).isEqualTo("interrupted");
            int blocker = 0x0b0000 + i;
            TestServer.await(() -> interruptedAt(owner, blocker), Duration.ofSeconds(20), "blocker-" + i + " interrupted at its owner's ComfyUI");
        }
        TestServer.await(() -> pending() == 0 && client.xlen(QUEUE) == 0, Duration.ofSeconds(30),
                "the blockers and the cancelled job acknowledged and removed from the stream");
        for (ServerProcess server : servers) {
            JsonNode status = json(get(server, "/prompt/cancel-queued"));
            assertThat(status.get("status").asText()).isEqualTo("interrupted");
            assertThat(status.get("started_at").isNull()).isTrue();
            assertThat(comfyEnds(server, color)).as("never sent to a ComfyUI").isEmpty();
        }
        assertThat(hooks.all(r -> r.path().equals("/cancel-queued"))).isEmpty();
    }

    @Test
    @Order(7)
    void sigtermFinishesAndAcknowledgesTheRunningJobAndTakesNoMore() throws Exception {
        for (int i = 0; i < 4; i++) xadd("drain-" + i, Graphs.fault("slow", 600, 40 + i), "/drain");
        ServerProcess stopping = servers.getFirst();
        String consumer = "-" + stopping.process.pid() + "-";
        TestServer.await(() -> runningOn(consumer) > 0, Duration.ofSeconds(30), "a job running on the instance to stop");

        stopping.process.destroy();
        assertThat(stopping.awaitExit(Duration.ofSeconds(60))).isZero();

        List<WebhookReceiver.Received> done = hooks.awaitCount(r -> r.path().equals("/drain"), 4, Duration.ofSeconds(60));
        assertThat(done).extracting(r -> r.json().get("id").asText())
                .containsExactlyInAnyOrder("drain-0", "drain-1", "drain-2", "drain-3");
        assertThat(done).allSatisfy(r -> assertThat(r.json().get("type").asText()).isEqualTo("prompt.complete"));
        TestServer.await(() -> pending() == 0, Duration.ofSeconds(30), "every drain job acknowledged");
        assertThat(runningOn(consumer)).isZero();
    }

    @Test
    @Order(6)
    void sixtyJobsAllCompleteWhenAnInstanceIsKilledMidRun() throws Exception {
        int jobs = 60;
        for (int i = 0; i < jobs; i++) xadd("bulk-" + i, Graphs.fault("slow", 200, i), "/bulk");
        ServerProcess victim = servers.getLast();
        String victimConsumer = "-" + victim.process.pid() + "-";
        try {
            TestServer.await(() -> hooks.all(r -> r.path().equals("/bulk")).size() >= 10 && runningOn(victimConsumer) > 0,
                    Duration.ofSeconds(60), "the victim running a job after ten deliveries");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + fleetState(), e);
        }

        victim.process.descendants().forEach(ProcessHandle::destroyForcibly);
        victim.process.destroyForcibly();
        victim.process.waitFor();
        Set<String> wasRunning = jobIdsPendingOn(victimConsumer);

        TestServer.await(() -> hooks.all(r -> r.path().equals("/bulk")).stream().map(r -> r.json().get("id").asText())
                .distinct().count() == jobs, Duration.ofSeconds(120), "every bulk job delivered");
        List<WebhookReceiver.Received> done = hooks.all(r -> r.path().equals("/bulk"));
        Map<String, Long> deliveries = done.stream().collect(Collectors.groupingBy(r -> r.json().get("id").asText(), Collectors.counting()));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < jobs; i++) expected.add("bulk-" + i);
        assertThat(deliveries.keySet()).isEqualTo(expected);
        Set<String> duplicated = deliveries.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(wasRunning).as("something was running on the killed instance").isNotEmpty();
        assertThat(duplicated).isSubsetOf(wasRunning);
        assertThat(done).allSatisfy(r -> assertThat(r.json().get("type").asText()).isEqualTo("prompt.complete"));
        TestServer.await(() -> pending() == 0, Duration.ofSeconds(30), "every bulk job acknowledged");
        assertThat(client.xlen(QUEUE + ":dead")).as("only the poison job is dead").isEqualTo(1);
    }

    private static ServerProcess start(String name) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(home.resolve("models/checkpoints"));
        Files.writeString(home.resolve("models/checkpoints/sd15.safetensors"), "not really a model");
        int comfyPort = Simulator.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("CMD", Simulator.command(home, comfyPort));
        env.put("COMFY_HOME", home.toString());
        env.put("COMFYUI_PORT_HOST", String.valueOf(comfyPort));
        env.put("STARTUP_CHECK_INTERVAL_S", "0.2");
        env.put("STARTUP_CHECK_MAX_TRIES", "300");
        env.put("ALWAYS_RESTART_COMFYUI", "true");
        env.put("LOG_LEVEL", "info");
        env.put("QUEUE_URL", redis.url());
        env.put("QUEUE_NAME", QUEUE);
        env.put("QUEUE_CLAIM_IDLE_S", "2");
        env.put("WEBHOOK_RETRY_DELAY_MS", "100");
        ServerProcess server = ServerProcess.start(home, env);
        comfyPorts.put(server, comfyPort);
        return server;
    }

    /** The instance whose consumer has taken the job and not acknowledged it yet, once there is one. */
    private static ServerProcess awaitOwner(String jobId) throws InterruptedException {
        ServerProcess[] owner = new ServerProcess[1];
        TestServer.await(() -> {
            for (ServerProcess server : servers) {
                if (jobIdsPendingOn("-" + server.process.pid() + "-").contains(jobId)) owner[0] = server;
            }
            return owner[0] != null;
        }, Duration.ofSeconds(30), "an instance taking " + jobId);
        return owner[0];
    }

    /** Prompts in a simulator's /history whose EmptyImage has {@code color}, by how each ended (its last message). */
    private static List<String> comfyEnds(ServerProcess server, int color) throws Exception {
        HttpResponse<String> history = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + comfyPorts.get(server) + "/history")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ends = new ArrayList<>();
        for (JsonNode entry : TestServer.JSON.readTree(history.body())) {
            if (entry.path("prompt").path(2).path("1").path("inputs").path("color").asInt(-1) != color) continue;
            JsonNode messages = entry.path("status").path("messages");
            ends.add(messages.isEmpty() ? "none" : messages.get(messages.size() - 1).path(0).asText());
        }
        return ends;
    }

    /** What each instance is doing, for a failure message: alive, its jobs in the group, its ComfyUI's queue. */
    private static String fleetState() {
        StringBuilder state = new StringBuilder("bulk deliveries " + hooks.all(r -> r.path().equals("/bulk")).size());
        for (ServerProcess server : servers) {
            state.append("; instance ").append(servers.indexOf(server)).append(server.process.isAlive() ? " alive" : " dead")
                    .append(", pending ").append(runningOn("-" + server.process.pid() + "-"));
            try {
                state.append(", comfy queue ").append(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + comfyPorts.get(server) + "/queue")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            } catch (Exception e) {
                state.append(", comfy queue unreadable: ").append(e);
            }
        }
        return state.toString();
    }

    private static boolean interruptedAt(ServerProcess server, int color) {
        try {
            return comfyEnds(server, color).contains("execution_interrupted");
        } catch (Exception e) {
            return false;
        }
    }

    private static HttpResponse<String> delete(ServerProcess server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(60)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void xadd(String id, String graph, String hookPath) {
        client.xadd(QUEUE, StreamEntryID.NEW_ENTRY, Map.of("body",
                "{\"id\":\"" + id + "\",\"prompt\":" + graph + ",\"webhook_v2\":\"" + hooks.url(hookPath) + "\"}"));
    }

    private static long pending() {
        try {
            return client.xpending(QUEUE, QUEUE).getTotal();
        } catch (JedisException reconnecting) {
            return -1;
        }
    }

    private static long runningOn(String consumerPart) {
        return pendingEntries().stream().filter(p -> p.getConsumerName().contains(consumerPart)).count();
    }

    private static List<StreamPendingEntry> pendingEntries() {
        try {
            return client.xpending(QUEUE, QUEUE, XPendingParams.xPendingParams().count(100));
        } catch (JedisException reconnecting) {
            return List.of();
        }
    }

    /** Job ids of the entries the consumer had taken and not acknowledged (its running jobs). */
    private static Set<String> jobIdsPendingOn(String consumerPart) {
        Function<StreamEntryID, String> jobId = id -> {
            List<StreamEntry> entry = client.xrange(QUEUE, id, id);
            if (entry.isEmpty()) return null;
            String body = entry.getFirst().getFields().get("body");
            return body.replaceAll("(?s)^\\{\"id\":\"([^\"]+)\".*$", "$1"); // bodies span lines
        };
        return pendingEntries().stream().filter(p -> p.getConsumerName().contains(consumerPart))
                .map(p -> jobId.apply(p.getID())).filter(id -> id != null).collect(Collectors.toSet());
    }

    private static URI uri(ServerProcess server, String path) {
        return URI.create("http://127.0.0.1:" + server.port + path);
    }

    private static HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ServerProcess server, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return TestServer.JSON.readTree(response.body());
    }
}
