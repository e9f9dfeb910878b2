package org.comfyapi.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 3. Memory of the server process (RSS from /proc): idle; peak while it streams one ~200 MB output as base64;
 * peak with 1,000 synchronous requests held open while their prompts wait in ComfyUI's queue.
 */
final class Memory implements BenchMain.Section {
    @Override
    public String id() {
        return "3";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        long bigBytes = o.pick(200_000_000, 2_000_000);
        int side = NoisePng.sideFor(bigBytes);
        String file = "noise-big-" + side + ".png";
        Path png = env.home.resolve("input").resolve(file);
        NoisePng.noise(png, side, side, 7);
        long fileBytes = Files.size(png);
        try (Child server = env.startServer()) {
            Clients.RunnerFactory api = Clients.api(server.base());
            // settle: a few small requests, then quiet
            Load.run(api, i -> Clients.emptySave(64, i & 0xffffff, 0), 1, o.pick(50, 5), 60);
            env.cleanOutputs();
            Thread.sleep(o.pick(3000, 500));
            long idle = server.status("VmRSS");
            table.row("3", "server RSS at idle (after start + warm-up requests)", Table.mb(idle), "", "", "");

            // one big output, synchronous base64
            boolean reset = server.resetPeak();
            Sampler sampler = Sampler.start(server);
            long read;
            try (Clients.Runner r = api.open()) {
                read = r.run(Clients.loadSave(file).apply(Load.next()));
            }
            long peak = sampler.stop();
            if (reset) peak = Math.max(peak, server.status("VmHWM"));
            env.cleanOutputs();
            long extra = peak - idle;
            String target = bigBytes >= 100_000_000 ? "< +100 MB" : "";
            String verdict = target.isEmpty() ? "" : (extra < 100 * 1024 ? " (met)"
                    : String.format(" (MISSED by %.0f MB)", (extra - 100 * 1024) / 1024.0));
            table.row("3", String.format("server peak RSS, one %s PNG output as sync base64 (%s read)",
                            Overhead.human(fileBytes), Overhead.human(read)),
                    Table.mb(peak), Table.mb(idle) + " idle", "+" + Table.mb(extra) + verdict, target);
            Files.deleteIfExists(png);

            // many requests waiting
            int queued = o.pick(1000, 50);
            int slowMs = o.pick(10, 10);
            reset = server.resetPeak();
            sampler = Sampler.start(server);
            QueueWatch watch = QueueWatch.start(env.simulator);
            long t0 = System.nanoTime();
            int failed = holdOpen(server, queued, slowMs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int maxQueue = watch.stop();
            peak = sampler.stop();
            if (reset) peak = Math.max(peak, server.status("VmHWM"));
            env.cleanOutputs();
            table.row("3", String.format("server peak RSS, %d sync requests open at once (max %d in ComfyUI's queue; "
                            + "%d ms per prompt; all done in %.1f s%s)", queued, maxQueue, slowMs, seconds,
                            failed == 0 ? "" : ", " + failed + " FAILED"),
                    Table.mb(peak), Table.mb(idle) + " idle", "+" + Table.mb(peak - idle), "");
            table.row("3", "server RSS high-water mark since launch (VmHWM)", Table.mb(server.status("VmHWM")), "", "", "");
        }
    }

    /** Sends {@code n} synchronous requests at once over their own connections; returns how many failed. */
    private static int holdOpen(Child server, int n, int slowMs) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        java.util.concurrent.ConcurrentHashMap<String, Integer> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                     .connectTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            URI uri = URI.create(server.base() + "/prompt");
            for (int i = 0; i < n; i++) {
                ObjectNode body = Clients.JSON.createObjectNode();
                body.set("prompt", Clients.emptySave(8, Load.next() & 0xffffff, slowMs));
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Clients.JSON.writeValueAsBytes(body))).build();
                all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream()).thenAccept(res -> {
                    try {
                        Clients.drain(res.body());
                        if (res.statusCode() != 200) {
                            failed.incrementAndGet();
                            reasons.merge("HTTP " + res.statusCode(), 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        reasons.merge(String.valueOf(e), 1, Integer::sum);
                    }
                }).exceptionally(e -> {
                    failed.incrementAndGet();
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    reasons.merge(String.valueOf(c), 1, Integer::sum);
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        if (!reasons.isEmpty()) System.err.println("[bench] failures of the held-open requests: " + reasons);
        return failed.get();
    }

    /** Polls VmRSS every 10 ms; stop() returns the highest value seen (kB). */
    static final class Sampler {
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        static Sampler start(Child c) {
            Sampler s = new Sampler();
            s.thread = Thread.ofPlatform().daemon().start(() -> {
                while (s.running) {
                    s.max.accumulateAndGet(c.status("VmRSS"), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            return s;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return max.get();
        }
    }

    /** Polls ComfyUI's /queue; stop() returns the largest running + pending count seen. */
    static final class QueueWatch {
        private final AtomicInteger max = new AtomicInteger();
        private volatile boolean running = true;
        private Thread thread;

        static QueueWatch start(Child sim) {
            QueueWatch w = new QueueWatch();
            HttpRequest req = HttpRequest.newBuilder(URI.create(sim.base() + "/queue")).GET().build();
            w.thread = Thread.ofPlatform().daemon().start(() -> {
                while (w.running) {
                    try (InputStream in = Clients.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream()).body()) {
                        var q = Clients.JSON.readTree(in);
                        w.max.accumulateAndGet(q.path("queue_running").size() + q.path("queue_pending").size(), Math::max);
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // try again
                    }
                }
            });
            return w;
        }

        int stop() throws InterruptedException {
            running = false;
            thread.join();
            return max.get();
        }
    }
}
