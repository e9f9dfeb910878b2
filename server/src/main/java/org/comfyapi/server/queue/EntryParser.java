package org.comfyapi.server.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.function.Predicate;

/** Turns a stream entry's fields ({@code body}, optional {@code route}) into a job, or says why it cannot be one. */
final class EntryParser {
    static final String DEFAULT_ROUTE = "/prompt";
    private static final ObjectMapper JSON = new ObjectMapper();

    sealed interface Parsed {}

    record Job(QueuedJob job) implements Parsed {}

    record Malformed(String reason) implements Parsed {}

    private final Predicate<String> knownRoute;

    EntryParser(Predicate<String> knownRoute) {
        this.knownRoute = knownRoute;
    }

    Parsed parse(String entryId, Map<String, String> fields, int attempt) {
        String text = fields.get("body");
        if (text == null) return new Malformed("the entry has no body field");
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Malformed("body is not JSON: " + e.getOriginalMessage());
        }
        if (!(body instanceof ObjectNode object)) return new Malformed("body must be a JSON object");
        String route = fields.getOrDefault("route", DEFAULT_ROUTE).trim();
        if (!route.equals(DEFAULT_ROUTE) && !(route.startsWith("/workflow/") && knownRoute.test(route))) {
            return new Malformed("unknown route \"" + route + "\" (use /prompt or /workflow/<path>)");
        }
        JsonNode id = object.get("id");
        String jobId = id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : entryId;
        return new Job(new QueuedJob(entryId, jobId, route, object, attempt));
    }
}
