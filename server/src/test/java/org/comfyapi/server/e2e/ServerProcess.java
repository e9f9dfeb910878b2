package org.comfyapi.server.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Our server as its own process (java Main), for behaviour that ends in an exit code. */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final Path log;
    final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ServerProcess start(Path dir, Map<String, String> env) throws IOException {
        int port = Simulator.freePort();
        Path log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Simulator.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.comfyapi.server.Main"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        return new ServerProcess(builder.start(), log, port);
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
