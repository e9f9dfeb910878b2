package org.comfyapi.server.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the workflow files under WORKFLOW_DIR and names their routes. */
final class WorkflowFiles {
    private WorkflowFiles() {
    }

    /** Every .js and .ts file below {@code dir}, sorted; none if the directory does not exist. */
    static List<Path> scan(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(path -> isWorkflowFile(dir.relativize(path)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sdxl/txt2img.ts} becomes "sdxl/txt2img". */
    static String route(Path dir, Path file) {
        String relative = dir.relativize(file).toString().replace('\\', '/');
        return relative.substring(0, relative.lastIndexOf('.'));
    }

    private static boolean isWorkflowFile(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") || name.equals("node_modules")) return false;
        }
        String name = relative.getFileName().toString();
        return (name.endsWith(".ts") && !name.endsWith(".d.ts")) || name.endsWith(".js");
    }
}
