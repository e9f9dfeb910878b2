package org.comfyapi.server.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntSupplier;

/**
 * What the server counts, told by the parts that see it. {@link #NONE} counts nothing (METRICS_ENABLED=false
 * and tests); {@link PrometheusMetrics} is the one that keeps and exposes the series. Durations are nanoseconds.
 */
public interface Metrics {
    Metrics NONE = new Metrics() {
    };

    /** The phases of a job timed in {@code comfyui_api_job_duration_seconds{phase}}. */
    enum Phase { QUEUE, EXECUTION, DELIVERY }

    /** @param route the matched route template (never the raw path), so the series stay few */
    default void httpRequest(String method, String route, int status, long nanos) {
    }

    default void jobStarted() {
    }

    /** A job ended; {@code outcome} is {@code success} or {@code failed}. */
    default void jobEnded(String outcome) {
    }

    default void jobPhase(Phase phase, long nanos) {
    }

    /** Reads ComfyUI's queue depth when scraped; a negative value means unknown. */
    default void comfyQueueDepth(IntSupplier depth) {
    }

    default void comfyRestarted() {
    }

    default void webhookDelivery(boolean delivered) {
    }

    default void download(boolean succeeded) {
    }

    default void downloadCacheHit() {
    }

    default void upload(boolean succeeded) {
    }

    default void conversion(long nanos) {
    }

    default boolean enabled() {
        return false;
    }

    /** Writes every series in Prometheus' text format. */
    default void scrape(OutputStream out) throws IOException {
    }

    static String outcome(boolean succeeded) {
        return succeeded ? "success" : "failure";
    }
}
