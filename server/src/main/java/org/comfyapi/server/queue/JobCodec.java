package org.comfyapi.server.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.job.JobOutput;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.Progress;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link JobState} as the fields of its Redis hash, and back. Absent values are absent fields. */
final class JobCodec {
    static final String VERSION = "v";
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobCodec() {}

    static Map<String, String> fields(JobState job) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", job.id());
        f.put("status", job.status().wire());
        f.put("created_at", Long.toString(job.createdAt()));
        f.put("started_at", Long.toString(job.startedAt()));
        f.put("finished_at", Long.toString(job.finishedAt()));
        if (job.comfyPromptId() != null) f.put("comfy_prompt_id", job.comfyPromptId());
        f.put("queue_position", Integer.toString(job.queuePosition()));
        if (job.progress() != null) {
            Progress p = job.progress();
            ObjectNode node = JSON.createObjectNode();
            node.put("node", p.node()).put("class_type", p.classType()).put("value", p.value()).put("max", p.max());
            f.put("progress", node.toString());
        }
        ArrayNode outputs = JSON.createArrayNode();
        for (JobOutput o : job.outputs()) {
            outputs.addObject().put("node", o.node()).put("filename", o.filename())
                    .put("content_type", o.contentType()).put("size", o.size()).put("url", o.url());
        }
        f.put("outputs", outputs.toString());
        if (job.ui() != null) f.put("ui", job.ui());
        if (job.error() != null) f.put("error", job.error());
        return f;
    }

    /** Empty for a missing hash (or one that is not a job's). */
    static Optional<JobState> state(Map<String, String> f) {
        if (f == null || !f.containsKey("id") || !f.containsKey("status")) return Optional.empty();
        Optional<JobStatus> status = JobStatus.fromWire(f.get("status"));
        if (status.isEmpty()) return Optional.empty();
        return Optional.of(new JobState(
                f.get("id"),
                status.get(),
                number(f, "created_at"),
                number(f, "started_at"),
                number(f, "finished_at"),
                f.get("comfy_prompt_id"),
                (int) (f.containsKey("queue_position") ? number(f, "queue_position") : -1),
                progress(f.get("progress")),
                outputs(f.get("outputs")),
                f.get("ui"),
                f.get("error")));
    }

    private static long number(Map<String, String> f, String name) {
        String value = f.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static Progress progress(String json) {
        if (json == null) return null;
        JsonNode n = read(json);
        return new Progress(n.path("node").asText(null), n.path("class_type").asText(null),
                n.path("value").asLong(), n.path("max").asLong());
    }

    private static List<JobOutput> outputs(String json) {
        if (json == null) return List.of();
        List<JobOutput> list = new ArrayList<>();
        for (JsonNode n : read(json)) {
            list.add(new JobOutput(n.path("node").asText(null), n.path("filename").asText(null),
                    n.path("content_type").asText(null), n.path("size").asLong(), n.path("url").asText(null)));
        }
        return list;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
