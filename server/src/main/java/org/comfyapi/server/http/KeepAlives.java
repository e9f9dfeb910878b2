package org.comfyapi.server.http;

import org.comfyapi.server.job.JobSubscription;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alives for every open event stream from one timer. A timed wait per stream would arm and cancel a timer
 * for each event each subscriber takes, which at a thousand subscribers costs more than writing the event.
 * An idle stream gets a keep-alive after 0.9 x {@code interval} to {@code interval} of silence, never later.
 */
final class KeepAlives implements AutoCloseable {
    private final Duration interval;
    private final Duration tick;
    private final Set<JobSubscription> open = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService timer;

    KeepAlives(Duration interval) {
        this.interval = interval;
        this.tick = Duration.ofMillis(Math.max(1, interval.toMillis() / 10));
    }

    void add(JobSubscription sub) {
        if (timer == null) start();
        open.add(sub);
    }

    void remove(JobSubscription sub) {
        open.remove(sub);
    }

    private synchronized void start() {
        if (timer != null) return;
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sse-keep-alive").daemon().factory());
        t.scheduleAtFixedRate(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        timer = t;
    }

    private void tick() {
        for (JobSubscription sub : open) {
            try {
                sub.keepAliveIfIdle(interval.minus(tick));
            } catch (RuntimeException e) {
                // a timer task that throws is never run again: every other stream would lose its keep-alives
                open.remove(sub);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
    }
}
