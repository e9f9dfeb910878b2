package org.comfyapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import org.comfyapi.server.config.JobRetention;
import org.comfyapi.server.job.JobOutput;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.Progress;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * 8. Jobs: GET /prompt/&lt;id&gt; beside GET /health; N concurrent SSE subscribers on one running job (added server
 * RSS, fan-out delay: how much later each subscriber gets a progress event than the first one to get it, and server CPU per event and subscriber, beside
 * the same with a few subscribers); the heap that 10,000 finished jobs hold (a registry in this JVM, beside the
 * heap before them).
 */
final class Jobs implements BenchMain.Section {
    private static final OperatingSystemMXBean CLIENT =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public String id() {
        return "8";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        retainedHeap(table, o.pick(10_000, 1_000), env.work.resolve("jobs-heap"));
        registryLatency(env, table);
        try (Child sim = Child.simulator(o.simulatorJar(), env.home, env.work.resolve("logs/simulator-jobs.log"), "-Xmx1g",
                "--step-ms", "40");
             Child server = env.startServer(sim)) {
            statusLatency(server, table, o.pick(5_000, 200));
            int steps = o.pick(100, 25);
            int subscribers = o.pick(1_000, 50);
            fanOut(server, subscribers, steps);  // warm-up: the first streams run the write path cold (JIT)
            FanOut few = fanOut(server, o.pick(10, 4), steps);
            FanOut many = fanOut(server, subscribers, steps);
            table.row("8", String.format("SSE: %d subscribers on one running job (%d progress events): added server RSS",
                            many.subscribers, steps),
                    Table.mb(many.addedRssKb), Table.mb(few.addedRssKb) + " with " + few.subscribers,
                    verdict(many.addedRssKb / 1024.0 <= 50, o), "<= 50 MB");
            table.row("8", String.format("SSE: fan-out delay p99 (vs the first subscriber to get each event), %d subscribers",
                            many.subscribers),
                    Table.ms(many.delay.p99()), Table.ms(few.delay.p99()) + " with " + few.subscribers,
                    verdict(many.delay.p99() <= 50, o), "<= 50 ms");
            table.row("8", String.format("SSE: time from the first to the last of %d subscribers to get an event: "
                            + "median event / worst event", many.subscribers),
                    Table.ms(many.spreads.p50()) + " / " + Table.ms(many.spreads.p(100)),
                    Table.ms(few.spreads.p50()) + " / " + Table.ms(few.spreads.p(100)) + " with " + few.subscribers, "", "");
            table.row("8", "SSE: CPU per event per subscriber, server / client JVM (one selector thread reads all streams)",
                    micros(many.cpuPerEvent()) + " / " + micros(many.clientCpuPerEvent()),
                    micros(few.cpuPerEvent()) + " / " + micros(few.clientCpuPerEvent()) + " with " + few.subscribers, "", "");
            table.row("8", "SSE: events each subscriber got / progress events skipped for slow reading",
                    many.eventsPerSubscriber + " / " + many.skipped, few.eventsPerSubscriber + " / " + few.skipped, "", "");
            FanOut threads = fanOut(server, subscribers, steps, false);
            table.row("8", String.format("SSE: fan-out delay p99, %d subscribers, read by one virtual thread each "
                            + "(the client before) vs one selector thread: client JVM CPU per event per subscriber "
                            + "in brackets", subscribers),
                    Table.ms(threads.delay.p99()) + " (" + micros(threads.clientCpuPerEvent()) + ")",
                    Table.ms(many.delay.p99()) + " (" + micros(many.clientCpuPerEvent()) + ") one thread", "", "");
            if (o.fanoutBaselineJar() != null) fanOutBeforeAfter(env, sim, server, subscribers, steps, table);
        }
    }

    /** The same fan-out through an earlier build (--fanout-baseline-jar) and through ours, alternating rounds. */
    private static void fanOutBeforeAfter(BenchMain.Env env, Child sim, Child ours, int subscribers, int steps,
                                          Table table) throws Exception {
        Options o = env.o;
        try (Child before = env.startServer(o.fanoutBaselineJar(), sim)) {
            fanOut(before, subscribers, steps);  // warm-up, as ours had
            List<Double> beforeDelays = new ArrayList<>();
            List<Double> oursDelays = new ArrayList<>();
            List<Double> beforeSpreads = new ArrayList<>();
            List<Double> oursSpreads = new ArrayList<>();
            double beforeCpu = 0;
            double oursCpu = 0;
            List<String> rounds = new ArrayList<>();
            int n = o.pick(3, 1);
            for (int r = 0; r < n; r++) {
                String load = BenchMain.loadAverage().split(" ")[0];
                FanOut b = fanOut(before, subscribers, steps);
                FanOut a = fanOut(ours, subscribers, steps);
                beforeDelays.addAll(b.delays);
                oursDelays.addAll(a.delays);
                for (double v : b.spreads.sorted()) beforeSpreads.add(v);
                for (double v : a.spreads.sorted()) oursSpreads.add(v);
                beforeCpu += b.cpuPerEvent() / n;
                oursCpu += a.cpuPerEvent() / n;
                rounds.add(String.format("%.0f/%.0f ms (load %s)", a.delay.p99(), b.delay.p99(), load));
            }
            Stats a = Stats.of(oursDelays);
            Stats b = Stats.of(beforeDelays);
            String what = String.format("SSE: %d subscribers, %d rounds alternating, ours vs --fanout-baseline-jar %s",
                    subscribers, n, o.fanoutBaselineJar().getFileName());
            table.row("8", what + ": fan-out delay p99", Table.ms(a.p99()), Table.ms(b.p99()) + " before",
                    "per round ours/before: " + String.join(", ", rounds), "<= 50 ms");
            table.row("8", what + ": fan-out delay p50", Table.ms(a.p50()), Table.ms(b.p50()) + " before",
                    Table.signedMs(a.p50() - b.p50()), "");
            Stats as = Stats.of(oursSpreads);
            Stats bs = Stats.of(beforeSpreads);
            table.row("8", what + ": first to last subscriber, median event", Table.ms(as.p50()),
                    Table.ms(bs.p50()) + " before", Table.signedMs(as.p50() - bs.p50()), "");
            table.row("8", what + ": server CPU per event per subscriber", micros(oursCpu), micros(beforeCpu) + " before",
                    Table.ratio(oursCpu / beforeCpu), "");
        }
    }

    private static String micros(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.1f µs", v);
    }

    /** A sync 100 KB prompt through a build without the registry (--baseline-jar) and through ours, alternating. */
    private static void registryLatency(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        String what = "sync 100 KB PNG prompt, c=1, server before the jobs registry vs ours";
        if (o.baselineJar() == null) {
            table.row("8", what, "not run", "", "pass --baseline-jar=<a server jar built before the registry>", "<= +0.2 ms p50");
            return;
        }
        int side = NoisePng.sideFor(100_000);
        String file = "noise-jobs-" + side + ".png";
        NoisePng.noise(env.home.resolve("input").resolve(file), side, side, side);
        IntFunction<ObjectNode> graphs = Clients.loadSave(file);
        try (Child before = env.startServer(o.baselineJar(), env.simulator); Child ours = env.startServer(env.simulator)) {
            Clients.RunnerFactory baseline = Clients.api(before.base());
            Clients.RunnerFactory api = Clients.api(ours.base());
            int warm = o.pick(50, 3);
            Load.run(baseline, graphs, 1, warm, 600);
            Load.run(api, graphs, 1, warm, 600);
            Load.Result[] both = Load.compare(baseline, api, graphs, 1, o.pick(600, 10), 10, () -> {
                try {
                    env.cleanOutputs();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            double added = both[1].latency().p50() - both[0].latency().p50();
            table.row("8", what + ", n=" + both[1].requests() + ": p50", Table.ms(both[1].latency().p50()),
                    Table.ms(both[0].latency().p50()) + " before", Table.signedMs(added) + " " + verdict(added <= 0.2, o),
                    "<= +0.2 ms");
            table.row("8", what + ", n=" + both[1].requests() + ": p99", Table.ms(both[1].latency().p99()),
                    Table.ms(both[0].latency().p99()) + " before",
                    Table.signedMs(both[1].latency().p99() - both[0].latency().p99()), "");
        }
    }

    private static String verdict(boolean met, Options o) {
        return o.smoke() ? "" : met ? "(met)" : "(MISSED)";
    }

    /** A finished job with one output, as an async request leaves it. */
    private static void retainedHeap(Table table, int jobs, Path kept) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = settledHeap(memory);
        JobRegistry registry = JobRegistry.inMemory(new JobRetention(Duration.ofHours(1), jobs, kept));
        for (int i = 0; i < jobs; i++) {
            String id = UUID.randomUUID().toString();
            registry.accept(id);
            registry.sentToComfy(id, UUID.randomUUID().toString(), 0);
            registry.running(id);
            registry.progress(id, new Progress("3", "KSampler", 20, 20));
            String file = id + "_ComfyUI_00001_.png";
            registry.output(id, new JobOutput("9", file, "image/png", 812_345, JobRegistry.keptUrl(id, file)));
            registry.finish(id, JobStatus.COMPLETED, null, null);
        }
        long after = settledHeap(memory);
        if (registry.size() != jobs) throw new IllegalStateException("registry holds " + registry.size() + " jobs");
        table.row("8", String.format("heap held by %,d finished jobs (one output each), in-process registry", jobs),
                Table.mb((after - before) / 1024), "0 MB before", String.format("%.0f bytes/job",
                        (after - before) / (double) jobs), jobs == 10_000 ? "<= 30 MB" : "");
        registry.close();
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void statusLatency(Child server, Table table, int n) throws Exception {
        ObjectNode body = Clients.JSON.createObjectNode();
        String id = "bench-status-" + UUID.randomUUID();
        body.put("id", id);
        body.set("prompt", Clients.emptySave(8, 1, 0));
        post(server, body);
        Stats job = timeGets(server.base() + "/prompt/" + id, n);
        Stats health = timeGets(server.base() + "/health", n);
        job = timeGets(server.base() + "/prompt/" + id, n);  // the first round warmed both paths
        health = timeGets(server.base() + "/health", n);
        table.row("8", "GET /prompt/<id> (finished job), c=1, n=" + n + ": p50", Table.ms(job.p50()),
                Table.ms(health.p50()) + " GET /health", Table.signedMs(job.p50() - health.p50()), "");
        table.row("8", "GET /prompt/<id> (finished job), c=1, n=" + n + ": p99", Table.ms(job.p99()),
                Table.ms(health.p99()) + " GET /health", Table.signedMs(job.p99() - health.p99()), "");
    }

    private static Stats timeGets(String url, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
        List<Double> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> res = Clients.HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
            ms.add((System.nanoTime() - t) / 1e6);
            if (res.statusCode() != 200) throw new IllegalStateException(url + " answered " + res.statusCode());
        }
        return Stats.of(ms);
    }

    private static JsonNode post(Child server, ObjectNode body) throws Exception {
        HttpResponse<String> res = Clients.HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + "/prompt"))
                .header("content-type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) throw new IllegalStateException("POST /prompt answered " + res.statusCode() + ": " + res.body());
        return Clients.JSON.readTree(res.body());
    }

    /** @param spreads for each event, how much later than the first subscriber the last one got it (ms) */
    record FanOut(int subscribers, int events, long addedRssKb, List<Double> delays, Stats delay, Stats spreads,
                  int eventsPerSubscriber, long skipped, long serverCpuMs, long clientCpuNanos) {
        /** Server CPU while the job streamed, per progress event per subscriber, in µs. */
        double cpuPerEvent() {
            return serverCpuMs < 0 ? Double.NaN : serverCpuMs * 1000.0 / ((double) events * subscribers);
        }

        /** CPU of this (the client) JVM while the job streamed, per progress event per subscriber, in µs. */
        double clientCpuPerEvent() {
            return clientCpuNanos / 1000.0 / ((double) events * subscribers);
        }
    }

    /**
     * A blocker job holds ComfyUI while the subscribers connect to the measured job queued behind it; each
     * subscriber notes when each progress event arrives.
     */
    private static FanOut fanOut(Child server, int subscribers, int steps) throws Exception {
        return fanOut(server, subscribers, steps, true);
    }

    private static FanOut fanOut(Child server, int subscribers, int steps, boolean oneReaderThread) throws Exception {
        for (int attempt = 1; ; attempt++) {
            FanOut result = tryFanOut(server, subscribers, steps, oneReaderThread);
            if (result != null) return result;
            if (attempt == 3) throw new IllegalStateException("the blocker job did not hold ComfyUI in 3 attempts");
        }
    }

    /** Null when the measured job started before every subscriber was connected (the blocker ended early). */
    private static FanOut tryFanOut(Child server, int subscribers, int steps, boolean oneReaderThread) throws Exception {
        String blocker = "bench-blocker-" + UUID.randomUUID();
        String measured = "bench-fanout-" + UUID.randomUUID();
        ObjectNode block = Clients.JSON.createObjectNode().put("id", blocker).put("async", true);
        block.set("prompt", hang((int) (Math.random() * 0xffffff)));
        post(server, block);
        // async prompts reach ComfyUI in no set order: the measured job goes in once the blocker holds ComfyUI
        awaitHanging(server, blocker);
        ObjectNode job = Clients.JSON.createObjectNode().put("id", measured).put("async", true);
        job.set("prompt", txt2img(steps, (long) (Math.random() * 1e9)));
        post(server, job);

        long rssBefore = server.status("VmRSS");
        URI events = URI.create(server.base() + "/prompt/" + measured + "/events");
        try (SseSubscribers subs = new SseSubscribers(events, subscribers, oneReaderThread)) {
            if (!subs.awaitConnected(120, TimeUnit.SECONDS)) throw new IllegalStateException("subscribers did not connect");
            if (!"queued".equals(status(server, measured).path("status").asText())) {
                System.err.println("[bench] fan-out: the measured job started before all subscribers connected; again");
                delete(server, blocker);
                delete(server, measured);
                return null;
            }
            long rssPeak = server.status("VmRSS");
            long cpuBefore = server.cpuMillis();
            long clientCpuBefore = CLIENT.getProcessCpuTime();
            delete(server, blocker);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!subs.awaitDone(20, TimeUnit.MILLISECONDS)) {
                rssPeak = Math.max(rssPeak, server.status("VmRSS"));
                if (System.nanoTime() > deadline) throw new IllegalStateException("the measured job did not finish");
            }
            long cpuAfter = server.cpuMillis();
            long clientCpu = CLIENT.getProcessCpuTime() - clientCpuBefore;
            if (subs.failed() > 0) throw new IllegalStateException(subs.failed() + " subscribers failed");
            List<Double> delays = new ArrayList<>();
            List<Double> spreads = new ArrayList<>();
            long skipped = 0;
            for (long[] at : subs.arrivals().values()) {
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (long t : at) {
                    if (t == 0) continue;
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
                spreads.add((last - first) / 1e6);
                for (long t : at) {
                    if (t != 0) delays.add((t - first) / 1e6);
                    else skipped++;
                }
            }
            subs.close();
            if (skipped > 0) System.err.println("[bench] fan-out: " + missed(subs.arrivals(), subscribers));
            return new FanOut(subscribers, steps, rssPeak - rssBefore, delays, Stats.of(delays), Stats.of(spreads),
                    subs.received() / subscribers, skipped, cpuBefore < 0 ? -1 : cpuAfter - cpuBefore,
                    clientCpu);
        }
    }

    /** Waits until the blocker runs its hang node (node 2), so that the job behind it stays queued. */
    private static void awaitHanging(Child server, String blocker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode state = status(server, blocker);
            String status = state.path("status").asText();
            if (status.equals("running") && state.path("progress").path("node").asText().equals("2")) return;
            if (!status.equals("queued") && !status.equals("running")) {
                throw new IllegalStateException("the blocker job ended before it held ComfyUI: " + status);
            }
            Thread.sleep(5);  // polling a state this process cannot be told about, with a deadline
        }
        throw new IllegalStateException("the blocker job did not start within 60 s");
    }

    private static JsonNode status(Child server, String id) throws Exception {
        HttpResponse<String> res = Clients.HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + "/prompt/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return Clients.JSON.readTree(res.body());
    }

    /** Which subscribers missed which progress values, in short. */
    private static String missed(Map<Integer, long[]> arrivals, int subscribers) {
        Map<Integer, List<Integer>> bySubscriber = new TreeMap<>();
        for (Map.Entry<Integer, long[]> e : new TreeMap<>(arrivals).entrySet()) {
            for (int s = 0; s < subscribers; s++) {
                if (e.getValue()[s] == 0) bySubscriber.computeIfAbsent(s, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        StringBuilder out = new StringBuilder(bySubscriber.size() + " subscribers missed progress events;");
        bySubscriber.entrySet().stream().limit(5).forEach(e -> out.append(" #").append(e.getKey()).append(": ")
                .append(e.getValue()));
        return out.toString();
    }

    private static void delete(Child server, String id) throws Exception {
        Clients.HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + "/prompt/" + id)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** Holds ComfyUI until it is interrupted (SimulatorFault hang). */
    static ObjectNode hang(int color) throws Exception {
        return (ObjectNode) Clients.JSON.readTree("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": %d}},
                 "2": {"class_type": "SimulatorFault", "inputs": {"mode": "hang", "ms": 0, "images": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "hang", "images": ["2", 0]}}}
                """.formatted(color));
    }

    static ObjectNode txt2img(int steps, long seed) throws Exception {
        return (ObjectNode) Clients.JSON.readTree("""
                {"3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": %d, "cfg": 8, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0],
                   "negative": ["7", 0], "latent_image": ["5", 0]}},
                 "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15-demo.safetensors"}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "fanout", "images": ["8", 0]}}}
                """.formatted(seed, steps));
    }
}
