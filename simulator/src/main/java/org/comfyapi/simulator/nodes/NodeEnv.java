package org.comfyapi.simulator.nodes;

import org.comfyapi.simulator.fs.FolderPaths;

/** What node classes may consult: directories and the run-time switches. */
public record NodeEnv(FolderPaths paths, long stepMs, boolean disableMetadata, boolean hangOnPrompt, String previewMethod,
                      int previewSize) {
    public boolean previews() {
        return !"none".equals(previewMethod);
    }
}
