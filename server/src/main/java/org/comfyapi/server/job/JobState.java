package org.comfyapi.server.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job's state, immutable: every change makes a new value, so a store can swap it atomically and a
 * reader never sees half an update. Times are epoch milliseconds, 0 when not yet reached; a queue
 * position of -1 means none. {@code ui} and {@code error} are kept as compact JSON text (small on the
 * heap, and a Redis hash field as they are).
 *
 * @param comfyPromptId ComfyUI's prompt id once queued there, else null (not part of the public view)
 * @param ui            JSON object of non-file outputs by node, or null
 * @param error         JSON object a failed synchronous request answers, or null
 */
public record JobState(String id, JobStatus status, long createdAt, long startedAt, long finishedAt,
                       String comfyPromptId, int queuePosition, Progress progress, List<JobOutput> outputs,
                       String ui, String error) {
    private static final JsonFactory JSON = new JsonFactory();

    public JobState {
        outputs = List.copyOf(outputs);
    }

    public static JobState queued(String id, long now) {
        return new JobState(id, JobStatus.QUEUED, now, 0, 0, null, -1, null, List.of(), null, null);
    }

    public JobState sentToComfy(String promptId, int position) {
        return new JobState(id, status, createdAt, startedAt, finishedAt, promptId, position, progress, outputs, ui, error);
    }

    public JobState atPosition(int position) {
        if (status != JobStatus.QUEUED) return this;
        return new JobState(id, status, createdAt, startedAt, finishedAt, comfyPromptId, position, progress, outputs, ui, error);
    }

    public JobState running(long now) {
        if (status != JobStatus.QUEUED) return this;
        return new JobState(id, JobStatus.RUNNING, createdAt, now, finishedAt, comfyPromptId, -1, progress, outputs, ui, error);
    }

    public JobState withProgress(Progress p) {
        return new JobState(id, status, createdAt, startedAt, finishedAt, comfyPromptId, queuePosition, p, outputs, ui, error);
    }

    public JobState withOutput(JobOutput output) {
        List<JobOutput> more = new ArrayList<>(outputs.size() + 1);
        more.addAll(outputs);
        more.add(output);
        return new JobState(id, status, createdAt, startedAt, finishedAt, comfyPromptId, queuePosition, progress, more, ui, error);
    }

    public JobState withOutputs(List<JobOutput> all) {
        return new JobState(id, status, createdAt, startedAt, finishedAt, comfyPromptId, queuePosition, progress, all, ui, error);
    }

    /** The final state: {@code ui} and {@code error} may be null. A job already final stays as it was. */
    public JobState finished(JobStatus end, long now, String uiJson, String errorJson) {
        if (status.isFinal()) return this;
        if (!end.isFinal()) throw new IllegalArgumentException(end + " is not a final status");
        return new JobState(id, end, createdAt, startedAt == 0 ? 0 : startedAt, now, comfyPromptId, -1, null, outputs,
                uiJson, errorJson);
    }

    /** The public JSON body of {@code GET /prompt/<id>}. */
    public String json() {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("id", id);
            gen.writeStringField("status", status.wire());
            time(gen, "created_at", createdAt);
            time(gen, "started_at", startedAt);
            time(gen, "finished_at", finishedAt);
            gen.writeFieldName("queue_position");
            if (queuePosition >= 0) gen.writeNumber(queuePosition);
            else gen.writeNull();
            gen.writeFieldName("progress");
            if (progress == null) gen.writeNull();
            else writeProgress(gen, progress);
            gen.writeArrayFieldStart("outputs");
            for (JobOutput o : outputs) {
                gen.writeStartObject();
                gen.writeStringField("node", o.node());
                gen.writeStringField("filename", o.filename());
                gen.writeStringField("content_type", o.contentType());
                gen.writeNumberField("size", o.size());
                gen.writeStringField("url", o.url());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            raw(gen, "ui", ui);
            raw(gen, "error", error);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void writeProgress(JsonGenerator gen, Progress p) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("node", p.node());
        gen.writeStringField("class_type", p.classType());
        gen.writeNumberField("value", p.value());
        gen.writeNumberField("max", p.max());
        gen.writeEndObject();
    }

    private static void time(JsonGenerator gen, String name, long epochMs) throws IOException {
        if (epochMs == 0) gen.writeNullField(name);
        else gen.writeStringField(name, Instant.ofEpochMilli(epochMs).toString());
    }

    private static void raw(JsonGenerator gen, String name, String json) throws IOException {
        gen.writeFieldName(name);
        if (json == null) gen.writeNull();
        else gen.writeRawValue(json);
    }
}
