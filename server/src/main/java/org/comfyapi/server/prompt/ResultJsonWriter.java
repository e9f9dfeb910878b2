package org.comfyapi.server.prompt;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a prompt's result as JSON, streamed: the synchronous 200 body and the webhook_v2
 * {@code prompt.complete} body (the request echoed, outputs as URLs or base64, stats), and the legacy
 * webhook's {@code output.complete} body per file. Outputs stream from disk, so a large one is never held in memory.
 */
final class ResultJsonWriter {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Set<String> OWN_FIELDS = Set.of("id", "prompt", "images", "filenames", "ui", "stats");

    /**
     * @param extra fields written first (webhook_v2's {@code type} and {@code timestamp}), may be null
     * @param urls  where the outputs were uploaded; empty to inline them as base64
     */
    void write(OutputStream out, PromptResult result, ObjectNode extra, List<String> urls, long uploadTime)
            throws IOException {
        PromptStats stats = result.stats(uploadTime);
        try (JsonGenerator gen = JSON.getFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            gen.writeStartObject();
            if (extra != null) {
                for (var field : extra.properties()) {
                    gen.writeFieldName(field.getKey());
                    JSON.writeTree(gen, field.getValue());
                }
            }
            for (var field : result.request().body().properties()) {
                if (OWN_FIELDS.contains(field.getKey()) || (extra != null && extra.has(field.getKey()))) continue;
                gen.writeFieldName(field.getKey());
                JSON.writeTree(gen, field.getValue());
            }
            gen.writeStringField("id", result.request().id());
            gen.writeFieldName("prompt");
            JSON.writeTree(gen, result.graph());
            gen.writeArrayFieldStart("images");
            if (urls.isEmpty()) {
                for (OutputFile file : result.files()) writeBase64(gen, file);
            } else {
                for (String url : urls) gen.writeString(url);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("filenames");
            for (OutputFile file : result.files()) gen.writeString(file.filename());
            gen.writeEndArray();
            gen.writeFieldName("ui");
            JSON.writeTree(gen, UiOutputs.from(result.run().history()));
            gen.writeFieldName("stats");
            writeStats(gen, stats);
            gen.writeEndObject();
        }
    }

    /** The legacy webhook's body for one output file. */
    void writeOutputComplete(OutputStream out, PromptResult result, OutputFile file) throws IOException {
        try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("event", "output.complete");
            gen.writeFieldName("image");
            writeBase64(gen, file);
            gen.writeStringField("id", result.request().id());
            gen.writeStringField("filename", file.filename());
            gen.writeFieldName("prompt");
            JSON.writeTree(gen, result.graph());
            gen.writeEndObject();
        }
    }

    /** The file's bytes as one base64 string, streamed from disk. */
    private static void writeBase64(JsonGenerator gen, OutputFile file) throws IOException {
        long size = Files.size(file.path());
        try (InputStream in = Files.newInputStream(file.path())) {
            gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, in, size <= Integer.MAX_VALUE ? (int) size : -1);
        }
    }

    private static void writeStats(JsonGenerator gen, PromptStats stats) throws IOException {
        gen.writeStartObject();
        gen.writeObjectFieldStart("comfy_execution");
        gen.writeNumberField("start", stats.comfyStart());
        gen.writeNumberField("end", stats.comfyEnd());
        gen.writeNumberField("duration", Math.max(0, stats.comfyEnd() - stats.comfyStart()));
        gen.writeObjectFieldStart("nodes");
        for (Map.Entry<String, Long> node : stats.nodeStarts().entrySet()) {
            gen.writeObjectFieldStart(node.getKey());
            gen.writeNumberField("start", node.getValue());
            gen.writeEndObject();
        }
        gen.writeEndObject();
        gen.writeEndObject();
        gen.writeNumberField("preprocess_time", stats.preprocessTime());
        gen.writeNumberField("comfy_round_trip_time", stats.comfyRoundTripTime());
        gen.writeNumberField("postprocess_time", stats.postprocessTime());
        gen.writeNumberField("upload_time", stats.uploadTime());
        gen.writeNumberField("total_time", stats.totalTime());
        gen.writeEndObject();
    }
}
