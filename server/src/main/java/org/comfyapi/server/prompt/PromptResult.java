package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** A prompt that ran: the request, the graph sent to ComfyUI, its output files and timings. */
public record PromptResult(PromptRequest request, ObjectNode graph, List<OutputFile> files, long startedAt,
                           long preprocessTime, ComfyRun run, long comfyRoundTripTime, long postprocessTime) {

    public PromptStats stats(long uploadTime) {
        long total = System.currentTimeMillis() - startedAt;
        return new PromptStats(run.executionStart(), run.executionEnd(), run.nodeStarts(), preprocessTime,
                comfyRoundTripTime, postprocessTime, uploadTime, total);
    }

    /** Outputs are removed from disk once they have been delivered. */
    public void deleteFiles() {
        for (OutputFile file : files) {
            try {
                Files.deleteIfExists(file.path());
            } catch (IOException ignored) {
                // a file we cannot delete is left for the operator; delivery already happened
            }
        }
    }
}
