package org.comfyapi.bench;

import org.comfyapi.server.config.Config;
import org.comfyapi.server.workflow.WorkflowEnvironment;
import org.comfyapi.server.workflow.WorkflowRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a fresh JVM by the start-up section: loads a folder of workflow files with the server's
 * WorkflowRegistry, as the server will at start, and prints "endpoints millis" (time since JVM start, and of
 * the load alone).
 */
public final class WorkflowLoadProbe {
    private WorkflowLoadProbe() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long t0 = System.nanoTime();
        Config config = Config.load(Map.of("WORKFLOW_DIR", dir.toString(), "COMFY_HOME", args[1],
                "HOME", System.getProperty("java.io.tmpdir")));
        WorkflowEnvironment env = WorkflowEnvironment.of(config.dirs(), config.http().port(), Map.of("checkpoints", List.of("sd15-demo.safetensors")),
                List.of("euler", "euler_ancestral"), List.of("normal", "karras"), config.warmup().prompt());
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, env)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            System.out.printf("%d %d %.1f%n", registry.endpoints().size(), registry.skipped().size(), loadMs);
        }
        System.exit(0);
    }
}
