package org.comfyapi.server.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How tests launch the ComfyUI simulator: through CMD, exactly as a real ComfyUI is launched. */
final class Simulator {
    private Simulator() {
    }

    static Path jar() {
        String jar = System.getProperty("simulator.jar", "../simulator/target/comfyui-simulator.jar");
        return Path.of(jar).toAbsolutePath().normalize();
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String command(Path home, int port, String... extra) {
        List<String> parts = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                jar().toString(), "--port", String.valueOf(port), "--base-directory", home.toString(),
                "--step-ms", "5"));
        parts.addAll(List.of(extra));
        return String.join(" ", parts);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until ComfyUI on the port has a prompt in {@code list} of its /queue (queue_running or queue_pending). */
    static void awaitQueue(int port, String list) throws InterruptedException {
        TestServer.await(() -> {
            try (HttpClient http = HttpClient.newHttpClient()) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/queue"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                return TestServer.JSON.readTree(body).path(list).size() > 0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), "a prompt in ComfyUI's " + list);
    }

    /** POST with no body to ComfyUI on the port; no answer (as from /__sim/crash) is fine. */
    static void post(int port, String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the crash endpoint never answers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
