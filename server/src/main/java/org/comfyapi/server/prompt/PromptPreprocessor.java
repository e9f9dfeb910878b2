package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;

/**
 * Rewrites a graph before it is queued: every {@code filename_prefix} gets the request id, so
 * concurrent requests never write the same files, and a graph that saves nothing is refused.
 */
public final class PromptPreprocessor {
    static final String NO_OUTPUT_NODE =
            "Prompt must contain a node with a \"filename_prefix\" input, such as \"SaveImage\"";

    private final boolean prependFilenames;

    public PromptPreprocessor(boolean prependFilenames) {
        this.prependFilenames = prependFilenames;
    }

    public ObjectNode apply(ObjectNode prompt, String id) {
        ObjectNode graph = prompt.deepCopy();
        boolean found = false;
        for (var node : graph.properties()) {
            JsonNode inputs = node.getValue().get("inputs");
            if (inputs instanceof ObjectNode in && in.has("filename_prefix")) {
                found = true;
                JsonNode original = in.get("filename_prefix");
                if (original.isTextual() || original.isNull() || original.isValueNode()) {
                    in.put("filename_prefix", prefix(original.isNull() ? "" : original.asText(), id));
                }
            }
        }
        if (!found) throw new BadInput(NO_OUTPUT_NODE, "prompt");
        return graph;
    }

    /** {@code renders/cat} becomes {@code renders/<id>_cat}: the id goes on the file, the folder stays. */
    String prefix(String original, String id) {
        if (!prependFilenames) return id;
        int slash = Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\'));
        String folder = slash >= 0 ? original.substring(0, slash + 1) : "";
        String stem = slash >= 0 ? original.substring(slash + 1) : original;
        return stem.isEmpty() ? folder + id : folder + id + "_" + stem;
    }
}
