package org.comfyapi.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * 6. Reliability (SPEC 10.2): SIGTERM to exit with no work and with one running 2 s prompt (the drain waits for
 * it); a ComfyUI crash to every waiter answered.
 */
final class Reliability implements BenchMain.Section {
    private static final int PROMPT_MS = 2_000;

    @Override
    public String id() {
        return "6";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        int reps = env.o.pick(3, 1);
        List<Double> idle = new ArrayList<>();
        List<Double> busy = new ArrayList<>();
        List<Double> answered = new ArrayList<>();
        int badExits = 0;
        for (int r = 0; r < reps; r++) {
            try (Child s = env.startServer()) {
                double[] exit = s.terminate(Duration.ofSeconds(60));
                if (exit[0] != 0) badExits++;
                idle.add(exit[1]);
            }
            try (Child s = env.startServer()) {
                CompletableFuture<HttpResponse<String>> prompt = post(s.base() + "/prompt",
                        body(Clients.emptySave(8, r, PROMPT_MS)));
                awaitRunning(env.simulator.base());
                long t0 = System.nanoTime();
                double[] exit = s.terminate(Duration.ofSeconds(60));
                HttpResponse<String> response = prompt.get();
                if (exit[0] != 0 || response.statusCode() != 200) badExits++;
                busy.add(exit[1]);
                answered.add((System.nanoTime() - t0) / 1e6);
            }
        }
        double idleMs = Stats.of(idle).p50();
        table.row("6", "SIGTERM → exit, no work, median of " + reps, Table.ms(idleMs), "", "",
                badExits == 0 ? "exit 0" : badExits + " runs without exit 0 or a 200");
        table.row("6", "SIGTERM → exit, one " + PROMPT_MS / 1000 + " s prompt just started, median of " + reps,
                Table.ms(Stats.of(busy).p50()), Table.ms(idleMs + PROMPT_MS) + " idle exit + the prompt",
                Table.signedMs(Stats.of(busy).p50() - idleMs - PROMPT_MS),
                "its 200 came at " + Table.ms(Stats.of(answered).p50()));
        crash(env, table, env.o.pick(4, 2));
    }

    /** Our server with its own simulator; prompts waiting (one running, the rest queued) when ComfyUI crashes. */
    private static void crash(BenchMain.Env env, Table table, int waiters) throws Exception {
        int comfyPort = Child.freePort();
        Path home = env.home;
        Map<String, String> e = new HashMap<>();
        e.put("CMD", String.join(" ", Child.java(), "-Xmx512m", "-jar", env.o.simulatorJar().toString(), "--port",
                String.valueOf(comfyPort), "--base-directory", home.toString(), "--step-ms", "0"));
        e.put("COMFY_HOME", home.toString());
        e.put("COMFYUI_PORT_HOST", String.valueOf(comfyPort));
        e.put("WORKFLOW_DIR", env.emptyWorkflows().toString());
        e.put("HOME", env.work.toString());
        e.put("CACHE_DIR", env.work.resolve("cache").toString());
        e.put("ALWAYS_RESTART_COMFYUI", "true");
        e.put("STARTUP_CHECK_INTERVAL_S", "0.1");
        e.put("STARTUP_CHECK_MAX_TRIES", "600");
        try (Child s = Child.supervising(env.o.serverJar(), env.o.serverJvm(), e, env.work.resolve("logs/server-crash.log"))) {
            s.awaitHttp("/ready", Duration.ofSeconds(180));
            String comfy = "http://127.0.0.1:" + comfyPort;
            List<CompletableFuture<Long>> done = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                ObjectNode graph = Clients.emptySave(8, i, 600_000);
                done.add(post(s.base() + "/prompt", body(graph)).thenApply(r -> r.statusCode() == 502 ? System.nanoTime() : -1L));
                if (i == 0) awaitRunning(comfy);
            }
            awaitPending(comfy, waiters - 1);
            long t0 = System.nanoTime();
            try {
                Clients.HTTP.send(HttpRequest.newBuilder(URI.create(comfy + "/__sim/crash")).timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception expected) {
                // the simulator dies before it answers
            }
            List<Double> ms = new ArrayList<>();
            for (CompletableFuture<Long> d : done) {
                long at = d.get();
                ms.add(at < 0 ? Double.NaN : (at - t0) / 1e6);
            }
            double last = ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double first = ms.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            table.row("6", "ComfyUI crash → every waiter answered 502 (" + waiters + " waiting: 1 running, "
                    + (waiters - 1) + " queued)", Table.ms(last), Table.ms(first) + " first answer",
                    Table.signedMs(last - first), "");
        }
    }

    private static String body(ObjectNode graph) {
        ObjectNode b = Clients.JSON.createObjectNode();
        b.set("prompt", graph);
        return b.toString();
    }

    private static CompletableFuture<HttpResponse<String>> post(String url, String body) {
        return Clients.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitRunning(String comfy) throws Exception {
        awaitQueue(comfy, "queue_running", 1);
    }

    private static void awaitPending(String comfy, int count) throws Exception {
        awaitQueue(comfy, "queue_pending", count);
    }

    private static void awaitQueue(String comfy, String list, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String json = Clients.HTTP.send(HttpRequest.newBuilder(URI.create(comfy + "/queue")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (Clients.JSON.readTree(json).path(list).size() >= count) return;
            Thread.sleep(5);
        }
        throw new IllegalStateException("ComfyUI never had " + count + " prompts in " + list);
    }
}
