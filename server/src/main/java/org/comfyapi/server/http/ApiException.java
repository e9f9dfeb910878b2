package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failure answered to the user as {@code {"error", "location", ...details}} with a status code.
 * Thrown anywhere along the request path; the HTTP layer turns it into the response.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String location;
    private final ObjectNode details;
    private long retryAfterSeconds;

    public ApiException(int status, String message, String location) {
        this(status, message, location, JsonNodeFactory.instance.objectNode());
    }

    public ApiException(int status, String message, String location, ObjectNode details) {
        super(message);
        this.status = status;
        this.location = location;
        this.details = details;
    }

    public static ApiException badRequest(String message, String location) {
        return new ApiException(400, message, location);
    }

    /** Answered with a {@code Retry-After} header of this many seconds. */
    public ApiException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String location() {
        return location;
    }

    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", getMessage());
        if (location != null) body.put("location", location);
        body.setAll(details);
        return body;
    }
}
