package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator as a child process: startup line, crash faults, SIGTERM cleanup. */
class ProcessTest {
    private static final Pattern GUI = Pattern.compile("To see the GUI go to: http://127\\.0\\.0\\.1:(\\d+)");
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private record Child(Process process, int port) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    private Child launch(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), SimulatorMain.class.getName(),
                "--port", "0", "--base-directory", dir.toString(), "--cpu", "--step-ms", "1"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = GUI.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (Exception ignored) {
                // process ended
            }
            port.completeExceptionally(new AssertionError("no GUI line"));
        });
        reader.setDaemon(true);
        reader.start();
        return new Child(p, port.get(20, TimeUnit.SECONDS));
    }

    private int post(Child c, String path, String body) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(c.url(path))).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1; // the process died while answering
        }
    }

    private static String prompt(ObjectNode graph) {
        ObjectNode body = PyJson.object();
        body.set("prompt", graph);
        return PyJson.dumps(body);
    }

    @Test
    void sigtermExitsAndWipesTemp() throws Exception {
        Child c = launch();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(c.url("/"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        Path temp = dir.resolve("temp");
        Files.writeString(temp.resolve("leftover.png"), "x");
        assertThat(dir.resolve("input")).isDirectory();
        assertThat(dir.resolve("output")).isDirectory();
        assertThat(dir.resolve("models/checkpoints")).isDirectory();
        c.process().destroy();
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(temp).doesNotExist();
    }

    @Test
    void crashOnPromptFlagExitsNonZero() throws Exception {
        Child c = launch("--crash-on-prompt");
        post(c, "/prompt", prompt(Graphs.fault("none", 0, "x")));
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process().exitValue()).isNotZero();
    }

    @Test
    void faultNodeCrashAndControlRouteCrash() throws Exception {
        Child c = launch();
        post(c, "/prompt", prompt(Graphs.fault("crash", 0, "x")));
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process().exitValue()).isEqualTo(1);

        Child d = launch();
        post(d, "/__sim/crash", "");
        assertThat(d.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(d.process().exitValue()).isEqualTo(1);
    }
}
