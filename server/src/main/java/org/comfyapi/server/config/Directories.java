package org.comfyapi.server.config;

import java.nio.file.Path;

/** Where ComfyUI and the server keep files. */
public record Directories(Path comfyHome, Path input, Path output, Path models, Path workflows, Path cache) {

    static Directories fromEnv(Env env, Path comfyHome) {
        String home = env.string("HOME", System.getProperty("user.home"));
        return new Directories(
                comfyHome,
                env.path("INPUT_DIR", comfyHome.resolve("input").toString()),
                env.path("OUTPUT_DIR", comfyHome.resolve("output").toString()),
                env.path("MODEL_DIR", comfyHome.resolve("models").toString()),
                env.path("WORKFLOW_DIR", "/workflows"),
                env.path("CACHE_DIR", Path.of(home, ".cache", "comfyui-api").toString()));
    }

    /** ComfyUI's temp folder, where PreviewImage writes ({@code type: "temp"} outputs). */
    public Path temp() {
        return comfyHome.resolve("temp");
    }
}
