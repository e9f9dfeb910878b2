package org.comfyapi.server.error;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Why a request failed, in the user's words: a message, the field it is about ({@code location}, may
 * be null) and extra JSON fields. Lower packages throw these; the HTTP layer alone picks the status.
 */
public abstract sealed class RequestError extends RuntimeException
        permits BadInput, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unavailable, UpstreamFailure, ExecutionFailure,
                TimedOut {
    private final String location;
    private final ObjectNode details;

    RequestError(String message, String location, ObjectNode details) {
        super(message);
        this.location = location;
        this.details = details == null ? JsonNodeFactory.instance.objectNode() : details.deepCopy();
    }

    public String location() {
        return location;
    }

    /** Fields added to the error body beside {@code error} and {@code location}. */
    public ObjectNode details() {
        return details.deepCopy();
    }

    /** The JSON body a client gets: {@code {"error", "location", ...details}} (a job keeps the same). */
    public ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", getMessage());
        if (location != null) body.put("location", location);
        body.setAll(details);
        return body;
    }
}
