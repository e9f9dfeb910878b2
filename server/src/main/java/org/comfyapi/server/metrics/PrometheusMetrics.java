package org.comfyapi.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** The series of SPEC 10.3 plus the JVM's and the process's, kept in Micrometer's Prometheus registry. */
public final class PrometheusMetrics implements Metrics, AutoCloseable {
    private static final String PREFIX = "comfyui_api.";
    /** Fixed buckets (seconds) keep each histogram to a few series; jobs and requests run from ms to minutes. */
    private static final Duration[] BUCKETS = durations(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30, 60, 120, 300, 600);

    private record RequestKey(String method, String route, int status) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RequestKey, Timer> requestTimes = new ConcurrentHashMap<>();
    private final Map<Phase, Timer> phases = new EnumMap<>(Phase.class);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter jobsSucceeded;
    private final Counter jobsFailed;
    private final Counter restarts;
    private final Counter webhooksDelivered;
    private final Counter webhooksFailed;
    private final Counter downloadsSucceeded;
    private final Counter downloadsFailed;
    private final Counter cacheHits;
    private final Counter uploadsSucceeded;
    private final Counter uploadsFailed;
    private final Timer conversions;

    public PrometheusMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        jobsSucceeded = outcome("jobs", "Jobs ended, by outcome", true);
        jobsFailed = outcome("jobs", "Jobs ended, by outcome", false);
        webhooksDelivered = outcome("webhook.deliveries", "Webhook deliveries, after retries", true);
        webhooksFailed = outcome("webhook.deliveries", "Webhook deliveries, after retries", false);
        downloadsSucceeded = outcome("downloads", "Downloads of remote files", true);
        downloadsFailed = outcome("downloads", "Downloads of remote files", false);
        uploadsSucceeded = outcome("uploads", "Uploads of outputs", true);
        uploadsFailed = outcome("uploads", "Uploads of outputs", false);
        restarts = Counter.builder(PREFIX + "comfy.restarts").description("ComfyUI restarts after it exited")
                .register(registry);
        cacheHits = Counter.builder(PREFIX + "download.cache.hits")
                .description("Remote files served from the download cache").register(registry);
        conversions = timer("conversion.duration", "Image conversions (convert_output)").register(registry);
        for (Phase phase : Phase.values()) {
            phases.put(phase, timer("job.duration", "Jobs' time in each phase")
                    .tag("phase", phase.name().toLowerCase()).register(registry));
        }
        Gauge.builder(PREFIX + "jobs.in_flight", inFlight, AtomicInteger::get)
                .description("Jobs accepted and not yet delivered or failed").register(registry);
    }

    @Override
    public void httpRequest(String method, String route, int status, long nanos) {
        RequestKey key = new RequestKey(method, route, status);
        requests.computeIfAbsent(key, k -> Counter.builder(PREFIX + "http.requests")
                .description("HTTP requests answered").tags("method", k.method, "route", k.route,
                        "status", Integer.toString(k.status)).register(registry)).increment();
        requestTimes.computeIfAbsent(new RequestKey(method, route, 0), k -> timer("http.request.duration",
                "Time to answer HTTP requests").tags("method", k.method, "route", k.route).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void jobStarted() {
        inFlight.incrementAndGet();
    }

    @Override
    public void jobEnded(String outcome) {
        inFlight.decrementAndGet();
        ("success".equals(outcome) ? jobsSucceeded : jobsFailed).increment();
    }

    @Override
    public void jobPhase(Phase phase, long nanos) {
        phases.get(phase).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void comfyQueueDepth(IntSupplier depth) {
        Gauge.builder(PREFIX + "comfy.queue_depth", () -> {
            int value = depth.getAsInt();
            return value < 0 ? Double.NaN : value;
        }).description("Prompts queued or running in ComfyUI").register(registry);
    }

    @Override
    public void comfyRestarted() {
        restarts.increment();
    }

    @Override
    public void webhookDelivery(boolean delivered) {
        (delivered ? webhooksDelivered : webhooksFailed).increment();
    }

    @Override
    public void download(boolean succeeded) {
        (succeeded ? downloadsSucceeded : downloadsFailed).increment();
    }

    @Override
    public void downloadCacheHit() {
        cacheHits.increment();
    }

    @Override
    public void upload(boolean succeeded) {
        (succeeded ? uploadsSucceeded : uploadsFailed).increment();
    }

    @Override
    public void conversion(long nanos) {
        conversions.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Counter outcome(String name, String description, boolean succeeded) {
        return Counter.builder(PREFIX + name).description(description).tag("outcome", Metrics.outcome(succeeded))
                .register(registry);
    }

    private static Timer.Builder timer(String name, String description) {
        return Timer.builder(PREFIX + name).description(description).serviceLevelObjectives(BUCKETS);
    }

    private static Duration[] durations(double... seconds) {
        Duration[] result = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) result[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
        return result;
    }
}
