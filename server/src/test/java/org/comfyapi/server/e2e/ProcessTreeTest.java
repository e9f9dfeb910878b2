package org.comfyapi.server.e2e;

import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CMD as a wrapper script (like init.sh): the whole process tree is supervised, not just the wrapper. */
class ProcessTreeTest {

    @Test
    void aDeadWrapperTakesItsComfyWithItAndIsLaunchedAgain(@TempDir Path home) throws Exception {
        Path launches = home.resolve("wrappers.txt");
        Path comfyPid = home.resolve("comfy.pid");
        try (TestServer server = TestServer.start(home, Map.of("ALWAYS_RESTART_COMFYUI", "true"), Simulator.freePort(),
                port -> wrapper(home, """
                        echo $$ >> %s
                        %s &
                        echo $! > %s
                        wait
                        """.formatted(launches, Simulator.command(home, port), comfyPid)))) {
            long wrapper = Long.parseLong(Files.readAllLines(launches).getFirst());
            long orphan = Long.parseLong(Files.readString(comfyPid).trim());

            ProcessHandle.of(wrapper).orElseThrow().destroyForcibly();

            TestServer.await(() -> ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false) == false,
                    Duration.ofSeconds(20), "the wrapper's ComfyUI stopped with it");
            TestServer.await(() -> lines(launches).size() == 2 && status(server, "/ready") == 200,
                    Duration.ofSeconds(60), "a new wrapper launched and ready");
            long relaunched = Long.parseLong(Files.readString(comfyPid).trim());
            assertThat(relaunched).isNotEqualTo(orphan);
            TestServer.Response after = server.post("/prompt", Graphs.body("after-wrapper", Graphs.invert(9, 4, 4, "w")));
            assertThat(after.status()).isEqualTo(200);
            assertThat(server.fatalExit).isNotDone();
        }
    }

    @Test
    void aPortAlreadyHeldByAnotherProcessIsAStartupErrorNotWarm(@TempDir Path home) throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path launched = home.resolve("launched");
            assertThatThrownBy(() -> TestServer.start(home, Map.of(), squatter.getLocalPort(),
                    port -> wrapper(home, "touch " + launched + "\nexec sleep 300\n")))
                    .isInstanceOf(ComfyUnavailableException.class)
                    .hasMessageContaining("port " + squatter.getLocalPort())
                    .hasMessageContaining("already in use");
            assertThat(launched).as("CMD is not launched against a held port").doesNotExist();
        }
    }

    static String wrapper(Path home, String body) {
        try {
            Path script = Files.createTempFile(home, "wrapper", ".sh");
            Files.writeString(script, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (Exception e) {
            return List.of();
        }
    }

    private static int status(TestServer server, String path) {
        try {
            return server.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
