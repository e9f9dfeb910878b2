package org.comfyapi.server.e2e;

import java.io.IOException;
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
}
