package org.comfyapi.server.comfy;

import java.time.Duration;
import java.util.Optional;

/**
 * Notices a prompt that ComfyUI no longer has: not in its queue, not in its history (the queue was
 * cleared, the prompt deleted, or ComfyUI restarted under us). Such a prompt will never finish, so its
 * waiter must not wait for it. Asked only about quiet prompts and after the websocket reconnected, and
 * all waiters share one look at {@code /queue} per second.
 */
public final class LostPrompts {
    static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    private final ComfyClient client;
    private Snapshot last;

    private record Snapshot(long askedAt, ComfyClient.QueueState queue) {}

    public LostPrompts(ComfyClient client) {
        this.client = client;
    }

    /** Why the prompt is lost, or empty while ComfyUI may still run it. The caller found no history entry. */
    public Optional<String> check(String promptId, PromptWatch watch) {
        long queuedAt = watch.queuedAt();
        if (queuedAt == 0) return Optional.empty();
        if (!watch.isSuspect() && System.nanoTime() - watch.lastHeard() < QUIET.toNanos()) return Optional.empty();
        watch.clearSuspect();
        ComfyClient.QueueState queue = queueSince(queuedAt);
        if (queue.running().contains(promptId) || queue.pending().contains(promptId)) return Optional.empty();
        // ComfyUI writes the history entry before it takes the prompt off its queue, so asked in this order
        // an entry missing from both is gone for good
        if (client.history(promptId).isPresent()) return Optional.empty();
        return Optional.of("ComfyUI no longer has prompt " + promptId + ": it is in neither its queue nor its history "
                + "(the queue was cleared, the prompt deleted, or ComfyUI restarted), so it will never run");
    }

    /** Whether ComfyUI has the prompt in its queue or history now (for a call whose answer we never got). */
    public boolean known(String promptId) {
        ComfyClient.QueueState queue = client.queueState();
        return queue.running().contains(promptId) || queue.pending().contains(promptId)
                || client.history(promptId).isPresent();
    }

    /** A view of ComfyUI's queue asked for after {@code notBefore} (nanoTime), shared while under a second old. */
    private synchronized ComfyClient.QueueState queueSince(long notBefore) {
        long now = System.nanoTime();
        if (last != null && last.askedAt() >= notBefore && now - last.askedAt() < SNAPSHOT_MAX_AGE.toNanos()) {
            return last.queue();
        }
        ComfyClient.QueueState queue = client.queueState();
        last = new Snapshot(now, queue);
        return queue;
    }
}
