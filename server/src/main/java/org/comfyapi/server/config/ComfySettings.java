package org.comfyapi.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** How the ComfyUI process is launched, reached and waited for. */
public record ComfySettings(
        boolean alwaysRestart,
        String base,
        List<String> cmd,
        Path home,
        int port,
        String directAddress,
        Duration startupCheckInterval,
        int startupCheckMaxTries,
        Duration unavailableWait,
        boolean external) {

    static ComfySettings fromEnv(Env env, Path home) {
        return new ComfySettings(
                env.bool("ALWAYS_RESTART_COMFYUI", false),
                env.string("BASE", "ai-dock"),
                env.command("CMD", "init.sh"),
                home,
                env.port("COMFYUI_PORT_HOST", 8188),
                env.string("DIRECT_ADDRESS", "127.0.0.1"),
                Duration.ofMillis((long) (env.positiveNumber("STARTUP_CHECK_INTERVAL_S", 1) * 1000)),
                env.intRange("STARTUP_CHECK_MAX_TRIES", 10, 1, Integer.MAX_VALUE),
                Duration.ofMillis((long) (env.nonNegativeNumber("COMFY_UNAVAILABLE_WAIT_S", 10) * 1000)),
                env.bool("COMFYUI_EXTERNAL", false));
    }

    public URI baseUri() {
        String address = directAddress.contains(":") && !directAddress.startsWith("[")
                ? "[" + directAddress + "]" : directAddress;
        return URI.create("http://" + address + ":" + port);
    }

    public URI websocketUri(String clientId) {
        return URI.create(baseUri().toString().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
    }
}
