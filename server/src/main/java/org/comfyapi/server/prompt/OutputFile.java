package org.comfyapi.server.prompt;

import java.nio.file.Path;

/** One file a prompt produced, where it lies on disk, and the name the user sees. */
public record OutputFile(String nodeId, Path path, String filename) {
    public OutputFile withPath(Path newPath) {
        return new OutputFile(nodeId, newPath, newPath.getFileName().toString());
    }
}
