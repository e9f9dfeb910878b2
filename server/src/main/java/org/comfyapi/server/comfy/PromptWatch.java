package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** What the websocket has told us about one prompt: its start, node start times and its end. */
public final class PromptWatch {
    private final CompletableFuture<PromptOutcome> outcome = new CompletableFuture<>();
    private final Map<String, Long> nodeStarts = new LinkedHashMap<>();
    private volatile long executionStart;
    private volatile long executionEnd;
    private volatile boolean wakeUp;
    private volatile long queuedAt;
    private volatile long lastHeard = System.nanoTime();
    private volatile boolean suspect;
    private PromptOutcome.Succeeded succeeded;
    private volatile Consumer<ComfyMessage> frames = message -> { };

    /** Hands every websocket frame of this prompt to {@code frames} as it arrives. */
    public void listen(Consumer<ComfyMessage> frames) {
        this.frames = frames;
    }

    synchronized void accept(ComfyMessage message) {
        lastHeard = System.nanoTime();
        try {
            frames.accept(message);
        } catch (RuntimeException ignored) {
            // an observer's failure must not stop the prompt's own bookkeeping
        }
        JsonNode data = message.data();
        switch (message.type()) {
            case "execution_start" -> executionStart = data.path("timestamp").asLong(System.currentTimeMillis());
            case "executing" -> {
                JsonNode node = data.get("node");
                if (node != null && !node.isNull()) {
                    nodeStarts.putIfAbsent(node.asText(), System.currentTimeMillis());
                } else if (succeeded != null) {
                    // ComfyUI writes the history entry between execution_success and this frame
                    outcome.complete(succeeded);
                } else {
                    nudge();
                }
            }
            case "execution_success" -> {
                executionEnd = data.path("timestamp").asLong(System.currentTimeMillis());
                succeeded = new PromptOutcome.Succeeded(executionEnd);
            }
            case "execution_error" -> {
                executionEnd = data.path("timestamp").asLong(System.currentTimeMillis());
                outcome.complete(new PromptOutcome.Failed(data));
            }
            case "execution_interrupted" -> {
                executionEnd = data.path("timestamp").asLong(System.currentTimeMillis());
                outcome.complete(new PromptOutcome.Interrupted(data));
            }
            default -> { }
        }
    }

    /** ComfyUI accepted the prompt into its queue (System.nanoTime of the answer). */
    public void queued() {
        long now = System.nanoTime();
        queuedAt = now;
        lastHeard = now;
    }

    long queuedAt() {
        return queuedAt;
    }

    /** When the websocket last said something about this prompt (System.nanoTime). */
    long lastHeard() {
        return lastHeard;
    }

    /** The websocket reconnected: frames about this prompt may have been missed, so look at ComfyUI's queue. */
    void suspect() {
        suspect = true;
        nudge();
    }

    boolean isSuspect() {
        return suspect;
    }

    void clearSuspect() {
        suspect = false;
    }

    /** Ends the wait from outside the websocket (history, process death, interrupt of a queued prompt). */
    public void finish(PromptOutcome result) {
        outcome.complete(result);
    }

    /** Makes the waiter look at the history now rather than at its next poll. */
    void nudge() {
        wakeUp = true;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits up to {@code millis} for the outcome; null when the time ran out or a nudge came. */
    public PromptOutcome await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            if (outcome.isDone()) return outcome.resultNow();
            if (wakeUp) {
                wakeUp = false;
                return null;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) return null;
            try {
                return outcome.get(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // loop: check the nudge flag and the deadline again
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public synchronized Map<String, Long> nodeStarts() {
        return new LinkedHashMap<>(nodeStarts);
    }

    public long executionStart() {
        return executionStart;
    }

    public long executionEnd() {
        return executionEnd;
    }

    /** Fills start/end from the history's status messages when the websocket missed them. */
    public void recordTimesFromHistory(JsonNode historyEntry) {
        for (JsonNode message : historyEntry.path("status").path("messages")) {
            String type = message.path(0).asText();
            long ts = message.path(1).path("timestamp").asLong(0);
            if (ts == 0) continue;
            if (type.equals("execution_start") && executionStart == 0) executionStart = ts;
            if (type.startsWith("execution_") && !type.equals("execution_start")
                    && !type.equals("execution_cached") && executionEnd == 0) executionEnd = ts;
        }
    }
}
