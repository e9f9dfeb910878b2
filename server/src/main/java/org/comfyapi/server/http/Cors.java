package org.comfyapi.server.http;

import io.javalin.http.Context;

import java.util.List;
import java.util.Locale;

/**
 * CORS for the origins in CORS_ALLOWED_ORIGINS: requests from them get {@code Access-Control-Allow-Origin},
 * and their preflight {@code OPTIONS} is answered 204. Off (no headers, OPTIONS is a 405) when none are set.
 */
final class Cors {
    private static final String METHODS = "GET, POST, OPTIONS";
    private static final String MAX_AGE_S = "86400";

    private final List<String> origins;

    Cors(List<String> origins) {
        this.origins = origins;
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    /** Adds the headers a browser needs to read the answer; runs before every handler. */
    void before(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !allowed(origin)) return;
        if (origins.contains("*")) {
            ctx.header("Access-Control-Allow-Origin", "*");
        } else {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
        ctx.header("Access-Control-Expose-Headers", RequestLog.HEADER);
    }

    /** Answers a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}). */
    void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && allowed(origin) && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", METHODS);
            String headers = ctx.header("Access-Control-Request-Headers");
            if (headers != null) ctx.header("Access-Control-Allow-Headers", headers);
            ctx.header("Access-Control-Max-Age", MAX_AGE_S);
        }
        ctx.header("Allow", METHODS);
        ctx.status(204);
    }

    private boolean allowed(String origin) {
        return origins.contains("*") || origins.contains(origin.toLowerCase(Locale.ROOT));
    }
}
