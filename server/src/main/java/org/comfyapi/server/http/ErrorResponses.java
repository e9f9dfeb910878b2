package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.Conflict;
import org.comfyapi.server.error.ExecutionFailure;
import org.comfyapi.server.error.NotFound;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.TimedOut;
import org.comfyapi.server.error.TooLarge;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.error.UnsupportedMediaType;
import org.comfyapi.server.error.UpstreamFailure;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one place a failure becomes a status code and a {@code {"error", "location", ...details}} body, quoting
 * at most 1 KB of any one string (see {@link EchoLimit}).
 */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static int status(RequestError error) {
        return switch (error) {
            case BadInput ignored -> 400;
            case NotFound ignored -> 404;
            case Conflict ignored -> 409;
            case TooLarge ignored -> 413;
            case UnsupportedMediaType ignored -> 415;
            case ExecutionFailure ignored -> 500;
            case UpstreamFailure ignored -> 502;
            case Unavailable ignored -> 503;
            case TimedOut ignored -> 504;
        };
    }

    static void write(Context ctx, RequestError error) {
        if (error instanceof Unavailable u) {
            u.retryAfter().ifPresent(after -> ctx.header("Retry-After", String.valueOf(Math.max(1, after.toSeconds()))));
        }
        HttpApi.json(ctx, status(error), error.body());
    }

    /** Writes the answer now rather than after the handler returns. */
    static void writeNow(Context ctx, RequestError error) throws IOException {
        if (error instanceof Unavailable u) {
            u.retryAfter().ifPresent(after -> ctx.header("Retry-After", String.valueOf(Math.max(1, after.toSeconds()))));
        }
        ctx.status(status(error)).contentType("application/json");
        OutputStream out = ctx.res().getOutputStream();
        out.write(body(error.getMessage(), error.location(), error.details()).toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static void write(Context ctx, int status, String message, String location) {
        HttpApi.json(ctx, status, body(message, location, null));
    }

    static ObjectNode body(String message, String location, ObjectNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", message);
        if (location != null) body.put("location", location);
        if (details != null) body.setAll(details);
        return (ObjectNode) EchoLimit.clip(body);
    }
}
