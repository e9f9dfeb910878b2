package org.comfyapi.server.comfy;

import com.sun.net.httpserver.HttpServer;
import org.comfyapi.server.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ComfyUI as a supervised child, played by a shell script (its process) and a loopback HTTP server
 * (its answer to the start-up check): start-up, exit under both restart settings, the lost-prompt message.
 */
class ComfySupervisorTest {
    /** Writes its pid, then runs until SIGTERM, which it answers with exit code 7. */
    private static final String LONG_LIVED = """
            #!/bin/sh
            echo $$ >> pids
            trap 'kill $child 2>/dev/null; exit 7' TERM
            sleep 300 &
            child=$!
            wait $child
            """;

    @TempDir
    Path home;
    private HttpServer comfy;
    private ComfyEvents events;
    private ComfySupervisor supervisor;
    private final CompletableFuture<Integer> fatal = new CompletableFuture<>();

    private int port;

    @BeforeEach
    void choosePort() throws IOException {
        port = freePort();
    }

    /** ComfyUI's web server comes up after its launch: a port held before it is someone else's. */
    private void answer() throws IOException {
        comfy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        comfy.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        comfy.start();
    }

    private void stopAnswering() {
        if (comfy != null) comfy.stop(0);
        comfy = null;
    }

    /** Starts the supervisor and answers once the script has been launched. */
    private void start(ComfySupervisor s) throws Exception {
        int launched = pids().size();
        CompletableFuture<Void> started = CompletableFuture.runAsync(s::start);
        awaitPids(launched + 1);
        answer();
        started.get(30, TimeUnit.SECONDS);
    }

    /** Ends a launch the way a crash does: its web server goes with it. */
    private void crash(long pid) {
        stopAnswering();
        terminate(pid);
    }

    @AfterEach
    void stop() {
        if (supervisor != null) supervisor.close();
        stopAnswering();
    }

    private ComfySupervisor supervisor(String script, boolean restart, int tries, int port) throws IOException {
        Path file = Files.writeString(home.resolve("comfy.sh"), script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        Config config = Config.load(Map.of(
                "CMD", file.toString(),
                "COMFY_HOME", home.toString(),
                "COMFYUI_PORT_HOST", String.valueOf(port),
                "ALWAYS_RESTART_COMFYUI", String.valueOf(restart),
                "STARTUP_CHECK_INTERVAL_S", "0.05",
                "STARTUP_CHECK_MAX_TRIES", String.valueOf(tries),
                "HOME", home.toString()));
        events = new ComfyEvents("client", URI.create("ws://127.0.0.1:" + port + "/ws"));
        supervisor = new ComfySupervisor(config.comfy(), new ComfyClient(URI.create("http://127.0.0.1:" + port)), events,
                fatal::complete);
        return supervisor;
    }

    private ComfySupervisor supervisor(String script, boolean restart) throws IOException {
        return supervisor(script, restart, 100, port);
    }

    private List<Long> pids() throws IOException {
        Path file = home.resolve("pids");
        if (!Files.exists(file)) return List.of();
        return Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    }

    private List<Long> awaitPids(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pids().size() < count) {
            assertThat(System.nanoTime()).as("%d launches", count).isLessThan(deadline);
            Thread.sleep(10);
        }
        return pids();
    }

    private static void terminate(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }

    @Test
    void startsOnceComfyAnswersAndIsReadyAfterTheWarmup() throws Exception {
        ComfySupervisor s = supervisor(LONG_LIVED, false);
        List<String> warmed = new CopyOnWriteArrayList<>();
        s.afterStart(() -> warmed.add("warm"));
        start(s);
        assertThat(s.isAlive()).isTrue();
        assertThat(s.isReady()).as("not before the warmup").isFalse();
        assertThat(s.lostBecause()).isEmpty();
        s.warm();
        assertThat(warmed).containsExactly("warm");
        assertThat(s.isReady()).isTrue();
    }

    @Test
    void aComfyThatExitsDuringStartUpFailsTheStart() throws Exception {
        ComfySupervisor s = supervisor("#!/bin/sh\nexit 3\n", false, 100_000, freePort());
        assertThatThrownBy(s::start).isInstanceOf(ComfyUnavailableException.class)
                .hasMessage("ComfyUI exited during start-up with code 3");
    }

    @Test
    void aComfyThatNeverAnswersFailsTheStartAndIsStopped() throws Exception {
        ComfySupervisor s = supervisor(LONG_LIVED, false, 5, freePort());
        assertThatThrownBy(s::start).isInstanceOf(ComfyUnavailableException.class)
                .hasMessageContaining("after 5 checks every 50 ms (STARTUP_CHECK_MAX_TRIES, STARTUP_CHECK_INTERVAL_S)");
        long pid = awaitPids(1).getFirst();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the script is gone").isFalse();
        assertThat(fatal).as("a failed start is not an exit").isNotDone();
    }

    @Test
    void withoutRestartAnExitIsFatalAndLosesThePromptsInFlight() throws Exception {
        ComfySupervisor s = supervisor(LONG_LIVED, false);
        start(s);
        s.warm();
        PromptWatch inFlight = events.watch("p1");
        inFlight.queued();
        crash(awaitPids(1).getFirst());

        assertThat(fatal.get(30, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(inFlight.await(0)).isEqualTo(new PromptOutcome.Lost("ComfyUI exited with code 7 while running the prompt"));
        assertThat(s.lostBecause()).isEqualTo(Optional.of("ComfyUI exited with code 7 while running the prompt"));
        assertThat(s.isReady()).isFalse();
        assertThat(pids()).hasSize(1);
    }

    @Test
    void withRestartAnExitLaunchesAndWarmsComfyAgain() throws Exception {
        ComfySupervisor s = supervisor(LONG_LIVED, true);
        BlockingQueue<String> warmups = new LinkedBlockingQueue<>();
        s.afterStart(() -> warmups.add("warm"));
        start(s);
        s.warm();
        assertThat(warmups.poll()).isEqualTo("warm");
        PromptWatch inFlight = events.watch("p2");
        inFlight.queued();
        long first = awaitPids(1).getFirst();
        crash(first);
        awaitPids(2);
        answer();

        assertThat(warmups.poll(30, TimeUnit.SECONDS)).as("warmed again after the restart").isEqualTo("warm");
        assertThat(inFlight.await(0)).isEqualTo(new PromptOutcome.Lost("ComfyUI exited with code 7 while running the prompt"));
        List<Long> pids = awaitPids(2);
        assertThat(pids.get(1)).isNotEqualTo(first);
        assertThat(s.isAlive()).isTrue();
        assertThat(s.lostBecause()).isEmpty();
        // the ready flag is set just after the warmup hook returns
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!s.isReady()) {
            assertThat(System.nanoTime()).as("ready after the restart").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(fatal).isNotDone();
    }

    @Test
    void closeStopsComfyWithoutCallingItAnExit() throws Exception {
        ComfySupervisor s = supervisor(LONG_LIVED, false);
        start(s);
        long pid = awaitPids(1).getFirst();
        s.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(s.isReady()).isFalse();
        assertThat(fatal).isNotDone();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
