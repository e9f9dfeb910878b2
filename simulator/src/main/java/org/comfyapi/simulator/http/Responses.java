package org.comfyapi.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.comfyapi.graph.py.PyJson;

/** aiohttp-style responses. */
final class Responses {
    private Responses() {
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status);
        ctx.contentType("application/json; charset=utf-8");
        ctx.result(PyJson.dumps(body));
    }

    static void json(Context ctx, JsonNode body) {
        json(ctx, 200, body);
    }

    /** web.Response(status=N): no body, application/octet-stream. */
    static void empty(Context ctx, int status) {
        ctx.status(status);
        ctx.contentType("application/octet-stream");
        ctx.result(new byte[0]);
    }

    static void text(Context ctx, int status, String body) {
        ctx.status(status);
        ctx.contentType("text/plain; charset=utf-8");
        ctx.result(body);
    }

    static void serverError(Context ctx) {
        text(ctx, 500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
}
