package org.comfyapi.server.prompt;

import org.comfyapi.server.error.Unavailable;

import java.time.Duration;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * {@code QUEUE_FULL=reject}: a new job while ComfyUI's queue holds MAX_QUEUE_DEPTH prompts is turned away
 * with a {@code Retry-After} estimated from how long recent prompts ran.
 */
public final class QueueLimit {
    private static final int RECENT = 20;
    private static final long DEFAULT_DURATION_MS = 10_000;

    private final int maxDepth;
    private final boolean reject;
    private final IntSupplier queueDepth;
    private final Deque<Long> recentMillis = new ArrayDeque<>();

    /** @param queueDepth prompts queued or running at ComfyUI now */
    public QueueLimit(int maxDepth, boolean reject, IntSupplier queueDepth) {
        this.maxDepth = maxDepth;
        this.reject = reject;
        this.queueDepth = queueDepth;
    }

    public static QueueLimit none() {
        return new QueueLimit(0, false, () -> 0);
    }

    /** Throws {@link Unavailable} (503, location {@code queue}) when the queue is full and full means reject. */
    public void check() {
        if (!reject || maxDepth <= 0) return;
        int depth;
        try {
            depth = queueDepth.getAsInt();
        } catch (RuntimeException unreachable) {
            return; // not a full queue: waiting for an unreachable ComfyUI is decided when the prompt is queued
        }
        if (depth < maxDepth) return;
        long waitMs = averageMillis() * (depth - maxDepth + 1);
        throw new Unavailable("ComfyUI's queue is full (" + depth + " prompts, MAX_QUEUE_DEPTH " + maxDepth
                + "); try again later", "queue", Optional.of(Duration.ofSeconds(Math.max(1, (waitMs + 999) / 1000))));
    }

    /** A prompt ran at ComfyUI for this long. */
    public synchronized void ran(long millis) {
        if (millis <= 0) return;
        recentMillis.addLast(millis);
        if (recentMillis.size() > RECENT) recentMillis.removeFirst();
    }

    private synchronized long averageMillis() {
        if (recentMillis.isEmpty()) return DEFAULT_DURATION_MS;
        return (long) recentMillis.stream().mapToLong(Long::longValue).average().orElse(DEFAULT_DURATION_MS);
    }
}
