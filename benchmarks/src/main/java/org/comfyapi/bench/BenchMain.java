package org.comfyapi.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One command, one table: starts the simulator, our server (child JVM from its fat jar) and whatever else a
 * figure needs, measures each figure against its baseline in the same run, and prints a Markdown table.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String table = run(options);
        System.out.println(table);
        System.exit(0);
    }

    /** Runs the chosen sections; returns the table (with the environment and notes under it). */
    public static String run(Options o) throws Exception {
        Table table = new Table();
        long t0 = System.nanoTime();
        String loadBefore = loadAverage();
        Path work = o.work();
        deleteTree(work);
        Files.createDirectories(work);
        Path home = work.resolve("comfyui");
        Files.createDirectories(home.resolve("input"));
        Files.createDirectories(home.resolve("output"));
        Files.createDirectories(home.resolve("models/checkpoints"));
        Files.writeString(home.resolve("models/checkpoints/sd15-demo.safetensors"), "simulated checkpoint");
        check(o.serverJar());
        check(o.simulatorJar());

        Env env = new Env(o, work, home);
        List<Section> sections = new ArrayList<>();
        if (o.has("overhead")) sections.add(new Overhead());
        if (o.has("throughput")) sections.add(new Throughput());
        if (o.has("memory")) sections.add(new Memory());
        if (o.has("conversion")) sections.add(new Conversion());
        if (o.has("startup")) sections.add(new Startup());
        if (o.has("jobs")) sections.add(new Jobs());
        if (o.has("observability")) sections.add(new Observability());
        if (o.has("reliability")) sections.add(new Reliability());
        if (o.has("queue")) sections.add(new Fleet());
        boolean needsSimulator = sections.stream().anyMatch(s -> !(s instanceof Conversion) && !(s instanceof Fleet));
        try (Child sim = needsSimulator ? Child.simulator(o.simulatorJar(), home, work.resolve("logs"), "-Xmx4g") : null) {
            env.simulator = sim;
            for (Section s : sections) {
                long s0 = System.nanoTime();
                try {
                    s.run(env, table);
                } catch (Exception e) {
                    e.printStackTrace();
                    table.row(s.id(), s.getClass().getSimpleName().toLowerCase() + " failed", "error", "", e.toString()
                            .replace('|', '/').lines().findFirst().orElse(""), "");
                }
                System.err.printf("[bench] %s took %.1f s%n", s.getClass().getSimpleName(), (System.nanoTime() - s0) / 1e9);
            }
        }
        table.note(environment(o));
        table.note("load average (1/5/15 min) before: " + loadBefore + "; after: " + loadAverage()
                + " (anything else running on the machine shows up here)");
        table.note(String.format("run: %s, %.0f s in all", o.smoke() ? "--smoke" : "--full", (System.nanoTime() - t0) / 1e9));
        String out = table.render();
        if (o.markdownOut() != null) Files.writeString(o.markdownOut(), out);
        Files.writeString(work.resolve("table.md"), out);
        return out;
    }

    /** What a section needs: options, folders, the shared simulator, and a way to start servers. */
    static final class Env {
        final Options o;
        final Path work;
        final Path home;
        Child simulator;
        private int servers;

        Env(Options o, Path work, Path home) {
            this.o = o;
            this.work = work;
            this.home = home;
        }

        Path emptyWorkflows() throws Exception {
            return Files.createDirectories(work.resolve("workflows-none"));
        }

        /** Our server in front of the shared simulator, not yet ready. */
        Child launchServer(List<String> extraJvm, Path workflowDir) throws Exception {
            return launchServer(o.serverJar(), extraJvm, workflowDir, simulator, Map.of());
        }

        /** The same, with more environment variables for the server. */
        Child launchServer(List<String> extraJvm, Path workflowDir, Map<String, String> extraEnv) throws Exception {
            return launchServer(o.serverJar(), extraJvm, workflowDir, simulator, extraEnv);
        }

        /** A server from the given jar (ours, or an earlier build as a baseline) in front of a simulator. */
        Child launchServer(Path jar, List<String> extraJvm, Path workflowDir, Child comfy, Map<String, String> extraEnv)
                throws Exception {
            List<String> jvm = new ArrayList<>(o.serverJvm());
            jvm.addAll(extraJvm);
            Map<String, String> e = new HashMap<>();
            e.put("COMFY_HOME", home.toString());
            e.put("COMFYUI_PORT_HOST", String.valueOf(comfy.port));
            e.put("WORKFLOW_DIR", workflowDir.toString());
            e.put("HOME", work.toString());
            e.put("CACHE_DIR", work.resolve("cache").toString());
            e.putAll(extraEnv);
            return Child.server(jar, jvm, e, work.resolve("logs/server-" + (++servers) + ".log"));
        }

        /** Our server, ready. */
        Child startServer() throws Exception {
            return startServer(Map.of());
        }

        /** Our server with more environment variables, ready. */
        Child startServer(Map<String, String> extraEnv) throws Exception {
            return startServer(o.serverJar(), simulator, extraEnv);
        }

        /** Our server in front of a given simulator, ready. */
        Child startServer(Child comfy) throws Exception {
            return startServer(o.serverJar(), comfy, Map.of());
        }

        /** A server from the given jar in front of a given simulator, ready. */
        Child startServer(Path jar, Child comfy) throws Exception {
            return startServer(jar, comfy, Map.of());
        }

        private Child startServer(Path jar, Child comfy, Map<String, String> extraEnv) throws Exception {
            Child s = launchServer(jar, List.of(), emptyWorkflows(), comfy, extraEnv);
            try {
                s.awaitHttp("/ready", Duration.ofSeconds(120));
            } catch (Exception ex) {
                s.close();
                throw ex;
            }
            return s;
        }

        void cleanOutputs() throws Exception {
            deleteTree(home.resolve("output"));
            Files.createDirectories(home.resolve("output"));
        }
    }

    interface Section {
        String id();

        void run(Env env, Table table) throws Exception;
    }

    private static void check(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -q -DskipTests install)");
        }
    }

    static String environment(Options o) {
        int cores = Runtime.getRuntime().availableProcessors();
        String mem = "?";
        String cpu = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    mem = String.format("%.1f GB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return String.format("machine: %d cores (%s), %s RAM; Java %s; server JVM options: %s (defaults otherwise: "
                + "G1, heap sized by ergonomics up to -Xmx)", cores, cpu, mem, System.getProperty("java.version"),
                String.join(" ", o.serverJvm()));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
