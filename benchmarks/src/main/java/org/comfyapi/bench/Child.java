package org.comfyapi.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child process of the benchmark (the simulator or our server), with its log in a file. */
final class Child implements AutoCloseable {
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final Process process;
    final Path log;
    final int port;
    final long startedNanos;

    private Child(String name, Process process, Path log, int port, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jdkTool(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the simulator on a free port and waits until it answers. */
    static Child simulator(Path jar, Path home, Path logDir, String heap) throws Exception {
        return simulator(jar, home, logDir.resolve("simulator.log"), heap, "--step-ms", "0");
    }

    /** A simulator with its own flags (for example a KSampler step time), logging beside the shared one. */
    static Child simulator(Path jar, Path home, Path log, String heap, String... flags) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(java(), heap, "-jar", jar.toString(), "--port", String.valueOf(port),
                "--base-directory", home.toString()));
        cmd.addAll(List.of(flags));
        Child c = start("simulator", cmd, Map.of(), log, port);
        c.awaitHttp("/", Duration.ofSeconds(60));
        return c;
    }

    /**
     * Starts our server from its fat jar in front of an already running simulator: CMD is a harmless
     * {@code sleep infinity}, the server finds ComfyUI answering at the first start-up check.
     */
    static Child server(Path jar, List<String> jvmOptions, Map<String, String> env, Path log) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CMD", "sleep infinity");
        all.put("COMFYUI_EXTERNAL", "true"); // the shared simulator already holds the port
        return supervising(jar, jvmOptions, all, log);
    }

    /** Our server launching and supervising its own ComfyUI: {@code env} names CMD. */
    static Child supervising(Path jar, List<String> jvmOptions, Map<String, String> env, Path log) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HOST", "127.0.0.1");
        all.put("PORT", String.valueOf(port));
        return start("server", cmd, all, log, port);
    }

    static Child start(String name, List<String> cmd, Map<String, String> env, Path log, int port) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        return new Child(name, pb.start(), log, port, t0);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Polls GET path until it answers 200; returns the ms since launch. */
    double awaitHttp(String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; log: " + tail());
            }
            try {
                if (PROBE.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e6;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(name + " did not answer " + path + " within " + timeout + "; log: " + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** VmRSS / VmHWM of the process in kB, from /proc. */
    long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time (user + system) the process has used so far, in ms, from /proc (10 ms ticks); -1 if unknown. */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resets VmHWM to the current RSS (Linux clear_refs 5); false when not allowed. */
    boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc", String.valueOf(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM now; the exit code and the ms until the process was gone. */
    double[] terminate(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return new double[]{-1, Double.NaN};
        return new double[]{process.exitValue(), (System.nanoTime() - t0) / 1e6};
    }

    /** SIGTERM, then waits; kills it (and its children) when it does not exit in time. */
    int stop(Duration grace) {
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kids.forEach(ProcessHandle::destroyForcibly);
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) stop(Duration.ofSeconds(10));
    }
}
