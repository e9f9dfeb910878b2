package org.comfyapi.server.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One Server-Sent Event of a job, encoded once ({@code event: <name>\ndata: <json>\n\n}) and shared by
 * every subscriber, so fan-out copies a reference, not bytes.
 */
public record JobEvent(String name, String data, byte[] frame, Kind kind) {
    /** What a subscriber may lose: progress and previews are superseded by the next ones; the rest is not. */
    public enum Kind { SKIPPABLE, ESSENTIAL, TERMINAL, COMMENT }

    private static final JsonFactory JSON = new JsonFactory();
    public static final JobEvent KEEP_ALIVE = comment("keep-alive");
    /** How often an idle stream gets {@link #KEEP_ALIVE}. */
    public static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);
    /** Sent to a subscriber that fell too far behind, just before its stream ends. */
    public static final JobEvent DROPPED = comment("dropped: the client read too slowly; reconnect for the current status");

    public static JobEvent status(JobState state) {
        return of("status", state.json(), Kind.ESSENTIAL);
    }

    /** {@code completed}, {@code failed}, {@code interrupted} or {@code timed_out}, with the final GET body. */
    public static JobEvent terminal(JobState state) {
        if (!state.status().isFinal()) throw new IllegalArgumentException(state.status() + " is not final");
        return of(state.status().wire(), state.json(), Kind.TERMINAL);
    }

    public static JobEvent progress(Progress p) {
        return of("progress", write(gen -> JobState.writeProgress(gen, p)), Kind.SKIPPABLE);
    }

    public static JobEvent node(String node, String classType, boolean cached) {
        return of("node", write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("node", node);
            gen.writeStringField("class_type", classType);
            gen.writeBooleanField("cached", cached);
            gen.writeEndObject();
        }), Kind.ESSENTIAL);
    }

    /** @param image a {@code data:image/...;base64,...} URI */
    public static JobEvent preview(String node, String image) {
        return of("preview", write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("node", node);
            gen.writeStringField("image", image);
            gen.writeEndObject();
        }), Kind.SKIPPABLE);
    }

    public static JobEvent output(JobOutput output) {
        return of("output", write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("node", output.node());
            gen.writeStringField("filename", output.filename());
            gen.writeStringField("url", output.url());
            gen.writeEndObject();
        }), Kind.ESSENTIAL);
    }

    public boolean isTerminal() {
        return kind == Kind.TERMINAL;
    }

    private static JobEvent of(String name, String data, Kind kind) {
        byte[] frame = ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        return new JobEvent(name, data, frame, kind);
    }

    private static JobEvent comment(String text) {
        return new JobEvent("", "", (": " + text + "\n\n").getBytes(StandardCharsets.UTF_8), Kind.COMMENT);
    }

    private interface Body {
        void write(JsonGenerator gen) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter(96);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            body.write(gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
