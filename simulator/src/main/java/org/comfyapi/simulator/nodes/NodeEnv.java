package org.comfyapi.simulator.nodes;

import org.comfyapi.simulator.fs.FolderPaths;

import java.util.Map;

/** What node classes may consult: directories and the run-time switches. */
public record NodeEnv(FolderPaths paths, long stepMs, boolean disableMetadata, boolean hangOnPrompt, String previewMethod,
                      int previewSize, Map<String, Long> nodeMs) {
    /** Extra run time of a node class set by --node-ms, 0 when none. */
    public long nodeMs(String classType) {
        return nodeMs.getOrDefault(classType, 0L);
    }

    public boolean previews() {
        return !"none".equals(previewMethod);
    }
}
