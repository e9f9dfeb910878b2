package org.comfyapi.server.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.server.Response;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives each request an id ({@code X-Request-Id}: the caller's when it is sane, else a new UUID, echoed
 * either way), then counts and times it in the metrics and writes its access line.
 */
final class RequestLog {
    static final String HEADER = "X-Request-Id";
    private static final Log LOG = Log.get("http.access");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");
    private static final String ID = "comfyapi.request_id";
    private static final String STARTED = "comfyapi.started";
    /** The route label of a request no route matched: one value, so unknown paths add no series. */
    static final String UNMATCHED = "unmatched";

    private final Metrics metrics;
    private final boolean accessLog;

    RequestLog(Metrics metrics, boolean accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    void before(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
        String id = ctx.header(HEADER);
        if (id == null || !SANE_ID.matcher(id).matches()) id = UUID.randomUUID().toString();
        ctx.attribute(ID, id);
        ctx.header(HEADER, id);
    }

    void after(Context ctx, Float ignoredJavalinMillis) {
        Long started = ctx.attribute(STARTED);
        long nanos = started == null ? 0 : System.nanoTime() - started;
        String method = ctx.method().name();
        String route = route(ctx);
        int status = ctx.status().getCode();
        metrics.httpRequest(method, route, status, nanos);
        if (accessLog) {
            LOG.info("request", "method", method, "route", route, "status", status,
                    "duration_ms", Math.round(nanos / 1000.0) / 1000.0, "bytes", bytes(ctx),
                    "request_id", ctx.attribute(ID));
        }
    }

    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? UNMATCHED : endpoint.path;
        } catch (RuntimeException e) {
            return UNMATCHED;
        }
    }

    private static long bytes(Context ctx) {
        try {
            return Response.getContentBytesWritten(ServletContextResponse.getServletContextResponse(ctx.res()));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
