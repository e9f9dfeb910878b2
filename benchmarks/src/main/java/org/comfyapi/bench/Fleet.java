package org.comfyapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * 9. Queue mode: a fleet of 1, 2 and 3 instances (each with its own simulator) on one redis-server,
 * fed by XADD with simulated 200 ms jobs: throughput against one instance, enqueue-to-start latency on
 * an idle fleet, and Redis commands per job (INFO commandstats).
 */
final class Fleet implements BenchMain.Section {
    private static final String QUEUE = "bench";
    private static final int JOB_MS = 200;

    @Override
    public String id() {
        return "9";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        int size = o.smoke() ? 2 : 3;
        int jobs = o.pick(60, 4);
        Path dir = env.work.resolve("fleet");
        Files.createDirectories(dir);
        List<Child> children = new ArrayList<>();
        List<Child> servers = new ArrayList<>();
        try (Receiver hooks = new Receiver(); Redis redis = Redis.start(dir.resolve("redis"))) {
            children.add(redis.process);
            for (int i = 0; i < size; i++) {
                Path home = dir.resolve("instance-" + i);
                Files.createDirectories(home.resolve("models/checkpoints"));
                Files.createDirectories(home.resolve("input"));
                Files.createDirectories(home.resolve("output"));
                Child sim = Child.simulator(o.simulatorJar(), home, env.work.resolve("logs/fleet-sim-" + i), "-Xmx512m");
                children.add(sim);
                Map<String, String> e = new HashMap<>();
                e.put("COMFY_HOME", home.toString());
                e.put("COMFYUI_PORT_HOST", String.valueOf(sim.port));
                e.put("WORKFLOW_DIR", env.emptyWorkflows().toString());
                e.put("HOME", home.toString());
                e.put("CACHE_DIR", home.resolve("cache").toString());
                e.put("QUEUE_URL", redis.url());
                e.put("QUEUE_NAME", QUEUE);
                e.put("LOG_LEVEL", "warn");
                Child server = Child.server(o.serverJar(), o.serverJvm(), e, env.work.resolve("logs/fleet-server-" + i + ".log"));
                children.add(server);
                servers.add(server);
            }
            for (Child server : servers) server.awaitHttp("/ready", Duration.ofSeconds(120));

            try (RedisClient client = RedisClient.create("127.0.0.1", redis.port)) {
                Batch warm = new Batch(client, hooks, "warm", JOB_MS);
                warm.addAll(size * 3);
                warm.await(Duration.ofSeconds(120));

                // latency on an idle fleet: one zero-time job at a time
                List<Double> delivered = new ArrayList<>();
                List<Double> taken = new ArrayList<>();
                List<Double> started = new ArrayList<>();
                for (int i = 0; i < o.pick(40, 3); i++) {
                    Batch one = new Batch(client, hooks, "idle-" + i, 0);
                    long sentMillis = System.currentTimeMillis();
                    long sent = System.nanoTime();
                    StreamEntryID entry = one.addAll(1);
                    taken.add((takenNanos(client, entry) - sent) / 1e6);
                    one.await(Duration.ofSeconds(60));
                    delivered.add((one.lastNanos() - sent) / 1e6);
                    status(servers.getFirst(), one.ids.getFirst()).ifPresent(status -> started.add(
                            (double) (Instant.parse(status.get("started_at").asText()).toEpochMilli() - sentMillis)));
                }
                Stats d = Stats.of(delivered);
                Stats t = Stats.of(taken);
                Stats s = Stats.of(started);

                Map<Integer, Double> rate = new HashMap<>();
                double opsPerJob = 0;
                StringBuilder byCommand = new StringBuilder();
                for (int n = size; n >= 1; n--) {
                    while (servers.size() > n) servers.removeLast().close();
                    Map<String, Long> opsBefore = commands(client);
                    Batch batch = new Batch(client, hooks, "load" + n, JOB_MS);
                    long t0 = System.nanoTime();
                    batch.addAll(jobs);
                    batch.await(Duration.ofSeconds(300));
                    double seconds = (batch.lastNanos() - t0) / 1e9;
                    rate.put(n, jobs / seconds);
                    if (n == size) {
                        Map<String, Long> opsAfter = commands(client);
                        opsPerJob = (total(opsAfter) - total(opsBefore)) / (double) jobs;
                        for (Map.Entry<String, Long> e : opsAfter.entrySet()) {
                            long delta = e.getValue() - opsBefore.getOrDefault(e.getKey(), 0L);
                            if (delta > 0) byCommand.append(String.format(" %s %.2f", e.getKey(), delta / (double) jobs));
                        }
                    }
                }
                double one = rate.get(1);
                double ideal = 1000.0 / JOB_MS;
                for (int n = 1; n <= size; n++) {
                    table.row("9", "queue: throughput, " + n + " instance" + (n > 1 ? "s" : "") + ", " + jobs
                                    + " XADD jobs of " + JOB_MS + " ms",
                            String.format("%.2f jobs/s", rate.get(n)),
                            String.format("%.2f jobs/s on 1", one) + (n == 1 ? String.format(" (ideal %.1f)", ideal) : ""),
                            Table.ratio(rate.get(n) / one), n == 3 ? "≥ 2.7×" : "");
                }
                table.row("9", "queue: enqueue (XADD) → taken by an idle instance (XREADGROUP), p50 / p99",
                        Table.ms(t.p50()) + " / " + Table.ms(t.p99()), "", "", "p50 ≤ 20 ms");
                if (s.count() > 0) {
                    table.row("9", "queue: enqueue (XADD) → running at ComfyUI on an idle fleet, p50 / p99",
                            Table.ms(s.p50()) + " / " + Table.ms(s.p99()), "", "", "");
                }
                table.row("9", "queue: enqueue (XADD) → webhook received, zero-time job, idle fleet, p50 / p99",
                        Table.ms(d.p50()) + " / " + Table.ms(d.p99()), "", "", "");
                table.row("9", "queue: Redis commands per job (" + size + " instances, all commands incl. idle polling)",
                        String.format("%.1f", opsPerJob), "", "", "");
                table.note("Redis commands per job during the " + size + "-instance run, by command (the bench's XADD included):" + byCommand);
            }
        } finally {
            for (Child c : children.reversed()) c.close();
        }
    }

    /** The job's status body, when the server has the jobs API and still knows the job. */
    private static Optional<JsonNode> status(Child server, String id) throws Exception {
        HttpResponse<String> r = Clients.HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + "/prompt/" + id))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) return Optional.empty();
        JsonNode body = Clients.JSON.readTree(r.body());
        return body.path("started_at").isTextual() ? Optional.of(body) : Optional.empty();
    }

    /**
     * When an instance took the entry, on this process's clock: polls XPENDING until the entry shows
     * there and subtracts its idle time (ms since delivery) from the moment it was seen.
     */
    private static long takenNanos(RedisClient client, StreamEntryID entry) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<StreamPendingEntry> pending = client.xpending(QUEUE, QUEUE, XPendingParams.xPendingParams(entry, entry, 1));
            long seen = System.nanoTime();
            if (!pending.isEmpty()) return seen - pending.getFirst().getIdleTime() * 1_000_000;
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException("no instance took " + entry + " within 30 s");
    }

    /** Every command Redis ran so far (INFO commandstats) by name, less the INFO calls themselves. */
    private static Map<String, Long> commands(RedisClient client) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : client.info("commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info:")) continue;
            int at = line.indexOf("calls=");
            int end = line.indexOf(',', at);
            calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(at + 6, end)));
        }
        return calls;
    }

    private static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Jobs added with XADD, each delivered by webhook_v2 to the receiver. */
    private static final class Batch {
        final RedisClient client;
        final Receiver hooks;
        final String prefix;
        final int jobMs;
        final List<String> ids = new ArrayList<>();

        Batch(RedisClient client, Receiver hooks, String prefix, int jobMs) {
            this.client = client;
            this.hooks = hooks;
            this.prefix = prefix;
            this.jobMs = jobMs;
        }

        StreamEntryID addAll(int count) {
            StreamEntryID last = null;
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                ObjectNode body = Clients.JSON.createObjectNode();
                body.put("id", id);
                body.set("prompt", Clients.emptySave(8, (prefix.hashCode() * 31 + i) & 0xffffff, jobMs));
                body.put("webhook_v2", hooks.url());
                ids.add(id);
                last = client.xadd(QUEUE, StreamEntryID.NEW_ENTRY, Map.of("body", body.toString()));
            }
            return last;
        }

        void await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!hooks.arrived.keySet().containsAll(ids)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(prefix + ": not every job delivered in " + timeout);
                Thread.sleep(5);
            }
        }

        long lastNanos() {
            return ids.stream().mapToLong(hooks.arrived::get).max().orElseThrow();
        }
    }

    /** A webhook receiver: the arrival time of the first delivery of each job id. */
    private static final class Receiver implements AutoCloseable {
        final Map<String, Long> arrived = new ConcurrentHashMap<>();
        private final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                long now = System.nanoTime();
                try (exchange) {
                    JsonNode body = Clients.JSON.readTree(exchange.getRequestBody());
                    arrived.putIfAbsent(body.path("id").asText(), now);
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** redis-server as a child process. */
    private record Redis(Child process, int port) implements AutoCloseable {
        static Redis start(Path dir) throws Exception {
            Files.createDirectories(dir);
            int port = Child.freePort();
            Child child = Child.start("redis-server", List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()),
                    Map.of(), dir.resolve("redis.log"), port);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try (RedisClient c = RedisClient.create("127.0.0.1", port)) {
                    c.ping();
                    return new Redis(child, port);
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("redis-server did not start: " + child.tail());
                    Thread.sleep(20);
                }
            }
        }

        String url() {
            return "redis://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
