package org.comfyapi.server.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our server as its own process (java Main), for behaviour that ends in an exit code or shows in its
 * output. Started as the README says ({@code --sun-misc-unsafe-memory-access=allow}).
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final Path log;
    final Path errors;
    final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServerProcess(Process process, Path log, Path errors, int port) {
        this.process = process;
        this.log = log;
        this.errors = errors;
        this.port = port;
    }

    /** Standard output and standard error together in {@link #output()}. */
    static ServerProcess start(Path dir, Map<String, String> env) throws IOException {
        return start(dir, env, List.of(), false);
    }

    /** Standard output in {@link #output()}, standard error apart in {@link #errorOutput()}. */
    static ServerProcess startSeparated(Path dir, Map<String, String> env, String... args) throws IOException {
        return start(dir, env, List.of(args), true);
    }

    private static ServerProcess start(Path dir, Map<String, String> env, List<String> args, boolean separate)
            throws IOException {
        int port = Simulator.freePort();
        Path log = dir.resolve("server.log");
        Path errors = separate ? dir.resolve("server.err") : log;
        List<String> command = new ArrayList<>(List.of(Simulator.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.comfyapi.server.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log.toFile());
        if (separate) {
            builder.redirectError(errors.toFile());
        } else {
            builder.redirectErrorStream(true);
        }
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        return new ServerProcess(builder.start(), log, errors, port);
    }

    /** Our server in front of the simulator (launched through CMD), once it says it is ready. */
    static ServerProcess startedInFrontOfSimulator(Path home, int comfyPort, Map<String, String> extraEnv) throws Exception {
        Files.createDirectories(home.resolve("models/checkpoints"));
        Map<String, String> env = new HashMap<>(Map.of(
                "CMD", Simulator.command(home, comfyPort),
                "COMFY_HOME", home.toString(),
                "COMFYUI_PORT_HOST", String.valueOf(comfyPort),
                "STARTUP_CHECK_INTERVAL_S", "0.2",
                "STARTUP_CHECK_MAX_TRIES", "100"));
        env.putAll(extraEnv);
        ServerProcess server = start(home, env);
        try {
            TestServer.await(() -> server.status("/ready") == 200, Duration.ofSeconds(60), "server ready");
            return server;
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    CompletableFuture<TestServer.Response> postAsync(String path, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new TestServer.Response(r.statusCode(), r.body(), r.headers()));
    }

    TestServer.Response post(String path, String body) throws Exception {
        return postAsync(path, body).get();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server did not exit within " + timeout);
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    String errorOutput() throws IOException {
        return Files.readString(errors);
    }

    int status(String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
