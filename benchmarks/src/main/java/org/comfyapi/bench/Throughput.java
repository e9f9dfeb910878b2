package org.comfyapi.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * 2. Throughput ceiling: requests/s through our server with a zero-time graph (8x8 EmptyImage → SaveImage), against
 * the same graph sent straight to ComfyUI; a JFR profile of the server during its run, summarised to hot methods.
 */
final class Throughput implements BenchMain.Section {
    @Override
    public String id() {
        return "2";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        int concurrency = 16;
        double seconds = o.pick(20.0, 2.0);
        IntFunction<com.fasterxml.jackson.databind.node.ObjectNode> graphs = i -> Clients.emptySave(8, i & 0xffffff, 0);
        try (Child server = env.startServer()) {
            Clients.RunnerFactory direct = Clients.direct(env.simulator.base());
            Clients.RunnerFactory api = Clients.api(server.base());
            Load.run(direct, graphs, concurrency, o.pick(400, 16), 30);
            Load.run(api, graphs, concurrency, o.pick(800, 16), 30);
            env.cleanOutputs();
            Load.Result d = Load.run(direct, graphs, concurrency, Integer.MAX_VALUE, seconds);
            env.cleanOutputs();
            Path jfr = env.work.resolve("server-throughput.jfr");
            boolean profiling = jcmd(server.pid(), "JFR.start", "name=bench", "settings=profile");
            Load.Result a = Load.run(api, graphs, concurrency, Integer.MAX_VALUE, seconds);
            if (profiling) profiling = jcmd(server.pid(), "JFR.stop", "name=bench", "filename=" + jfr);
            env.cleanOutputs();
            table.row("2", "throughput, zero-time graph (8x8 EmptyImage → SaveImage), c=16, " + (int) seconds + " s",
                    String.format("%.0f req/s", a.perSecond()), String.format("%.0f req/s direct", d.perSecond()),
                    Table.ratio(a.perSecond() / d.perSecond()), "");
            table.row("2", "  latency at that load: p50 / p99",
                    Table.ms(a.latency().p50()) + " / " + Table.ms(a.latency().p99()),
                    Table.ms(d.latency().p50()) + " / " + Table.ms(d.latency().p99()) + " direct", "", "");
            if (profiling && Files.exists(jfr)) {
                Profile p = Profile.read(jfr);
                int rank = 1;
                for (Map.Entry<String, Integer> e : p.top(p.self, 5)) {
                    table.row("2", "  server profile, hot method #" + rank++ + " (self)", e.getKey(), "",
                            pct(e.getValue(), p.samples), "");
                }
                rank = 1;
                for (Map.Entry<String, Integer> e : p.top(p.ours, 3)) {
                    table.row("2", "  server profile, our code #" + rank++ + " (incl.)", e.getKey(), "",
                            pct(e.getValue(), p.samples), "");
                }
                StringBuilder areas = new StringBuilder("profile by package of the sampled (top) frame:");
                for (Map.Entry<String, Integer> e : p.top(p.packages, 8)) {
                    areas.append(String.format(" %s %.0f %%;", e.getKey(), 100.0 * e.getValue() / Math.max(1, p.samples)));
                }
                table.note(areas.toString());
                table.note(String.format("profile: JFR (settings=profile) of the server JVM during the %d s run; "
                        + "%d execution samples; file %s", (int) seconds, p.samples, jfr));
            } else {
                table.row("2", "  server profile", "n/a (JFR failed)", "", "", "");
            }
        }
    }

    private static String pct(int n, int total) {
        return String.format("%.1f %% of samples", 100.0 * n / Math.max(1, total));
    }

    static boolean jcmd(long pid, String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of(Child.jdkTool("jcmd"), String.valueOf(pid)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("[bench] jcmd failed: " + out);
                return false;
            }
            return true;
        } catch (Exception e) {
            System.err.println("[bench] jcmd failed: " + e);
            return false;
        }
    }

    /** jdk.ExecutionSample events: counts of the top frame, and of org.comfyapi methods anywhere on the stack. */
    static final class Profile {
        final Map<String, Integer> self = new HashMap<>();
        final Map<String, Integer> ours = new HashMap<>();
        final Map<String, Integer> packages = new HashMap<>();
        int samples;

        static Profile read(Path jfr) throws Exception {
            Path json = jfr.resolveSibling(jfr.getFileName() + ".json");
            Process p = new ProcessBuilder(Child.jdkTool("jfr"), "print", "--json", "--events", "jdk.ExecutionSample",
                    jfr.toString()).redirectOutput(json.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            Profile profile = new Profile();
            // stream: one event at a time
            try (JsonParser parser = new JsonFactory(Clients.JSON).createParser(json.toFile())) {
                while (parser.nextToken() != null) {
                    if (parser.currentToken() == JsonToken.FIELD_NAME && "events".equals(parser.currentName())) {
                        parser.nextToken();
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            JsonNode event = parser.readValueAsTree();
                            profile.add(event.path("values").path("stackTrace").path("frames"));
                        }
                    }
                }
            }
            Files.deleteIfExists(json);
            return profile;
        }

        private void add(JsonNode frames) {
            if (!frames.isArray() || frames.isEmpty()) return;
            samples++;
            String top = name(frames.get(0));
            self.merge(top, 1, Integer::sum);
            packages.merge(area(top), 1, Integer::sum);
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode f : frames) {
                String n = name(f);
                if (n.startsWith("org.comfyapi.") && seen.add(n)) ours.merge(n, 1, Integer::sum);
            }
        }

        /** The first three parts of a class name's package: org.eclipse.jetty, com.fasterxml.jackson, ... */
        private static String area(String method) {
            String[] parts = method.split("\\.");
            int n = Math.min(3, Math.max(1, parts.length - 2));
            return String.join(".", java.util.Arrays.copyOf(parts, n));
        }

        private static String name(JsonNode frame) {
            JsonNode m = frame.path("method");
            String type = m.path("type").path("name").asText("?").replace('/', '.');
            return type + "." + m.path("name").asText("?");
        }

        List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
            return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(n).toList();
        }
    }

}
