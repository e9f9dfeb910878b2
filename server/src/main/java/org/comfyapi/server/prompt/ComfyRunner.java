package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyAvailability;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfyRejectedException;
import org.comfyapi.server.comfy.ComfyRestartingException;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.comfy.LostPrompts;
import org.comfyapi.server.comfy.PromptOutcome;
import org.comfyapi.server.comfy.PromptWatch;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.ExecutionFailure;
import org.comfyapi.server.error.TimedOut;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.error.UpstreamFailure;
import org.comfyapi.server.log.Log;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queues a graph at ComfyUI and waits for its end: from the websocket when it tells us, from
 * {@code /history} when it does not, and with a liveness check so a dead ComfyUI never hangs a request.
 */
public final class ComfyRunner {
    private static final Log LOG = Log.get("prompt.run");
    private static final long HISTORY_POLL_MS = 1_000;
    private static final int HISTORY_AFTER_SUCCESS_TRIES = 100;
    private static final long HISTORY_AFTER_SUCCESS_MS = 30;
    private static final long UNREACHABLE_LIMIT_MS = 10_000;
    private static final long INTERRUPT_CHECK_MS = 250;

    private final ComfyClient client;
    private final ComfyEvents events;
    private final LostPrompts lostPrompts;
    private final ComfyAvailability availability;
    private final RunLimits limits;
    private volatile String stoppedBecause;
    private final Map<String, String> running = new ConcurrentHashMap<>();
    /** ComfyUI prompts we were asked to stop: told again each second while they have not ended. */
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Map<String, String> requestIds = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > 4096;
                }
            });

    public ComfyRunner(ComfyClient client, ComfyEvents events, ComfyAvailability availability, RunLimits limits) {
        this.client = client;
        this.events = events;
        this.availability = availability;
        this.limits = limits;
        this.lostPrompts = new LostPrompts(client);
    }

    /** The deadline of a job starting now: its {@code timeout}, else PROMPT_TIMEOUT_S. */
    public Deadline deadlineFor(JsonNode body) {
        return Deadline.start(body, limits.defaultTimeout());
    }

    public ComfyRun run(String requestId, ObjectNode graph, boolean front, RunListener listener, Deadline deadline)
            throws InterruptedException {
        if (deadline.passed()) throw new TimedOut(deadline.message());
        String postedId = UUID.randomUUID().toString();
        String comfyId = postedId;
        PromptWatch watch = events.watch(comfyId);
        watch.listen(message -> listener.frame(requestId, message));
        running.put(requestId, comfyId);
        requestIds.put(comfyId, requestId);
        try {
            listener.sent(requestId, comfyId); // before the POST: frames may overtake its answer
            ComfyClient.Queued queued = queue(graph, comfyId, front, deadline);
            if (!queued.promptId().equals(comfyId)) {
                events.unwatch(comfyId);
                comfyId = queued.promptId();
                watch = events.watch(comfyId);
                watch.listen(message -> listener.frame(requestId, message));
                running.put(requestId, comfyId);
                requestIds.put(comfyId, requestId);
                listener.sent(requestId, comfyId);
            }
            watch.queued();
            LOG.debug("queued", "request_id", requestId, "prompt_id", comfyId, "number", queued.number());
            return await(requestId, comfyId, watch, deadline);
        } finally {
            running.remove(requestId);
            cancelled.remove(postedId);
            cancelled.remove(comfyId);
            events.unwatch(comfyId);
        }
    }

    /** Queues the graph, waiting up to COMFY_UNAVAILABLE_WAIT_S for a ComfyUI that is down or restarting. */
    private ComfyClient.Queued queue(ObjectNode graph, String comfyId, boolean front, Deadline jobDeadline) throws InterruptedException {
        Duration wait = limits.unavailableWait();
        if (jobDeadline.remainingMillis() < wait.toMillis()) wait = Duration.ofMillis(jobDeadline.remainingMillis());
        long deadline = System.nanoTime() + wait.toNanos();
        if (stoppedBecause != null) throw new Unavailable(stoppedBecause, "server");
        try {
            availability.await(wait);
            try {
                return client.queue(graph, events.clientId(), comfyId, front);
            } catch (ComfyUnavailableException gone) {
                // ComfyUI went away since its last health check: wait for it once more
                availability.recheck();
                availability.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (lostPrompts.known(comfyId)) return new ComfyClient.Queued(comfyId, -1);
                return client.queue(graph, events.clientId(), comfyId, front);
            }
        } catch (ComfyRestartingException e) {
            if (jobDeadline.passed()) throw new TimedOut(jobDeadline.message());
            throw new Unavailable(e.getMessage(), "comfyui", Optional.of(Duration.ofSeconds(e.retryAfterSeconds())));
        } catch (ComfyRejectedException e) {
            JsonNode body = e.body();
            if (e.status() >= 400 && e.status() < 500 && body.path("error").isObject()) {
                throw GraphCheck.rejected(body.get("error"), body.get("node_errors"));
            }
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            if (body.path("error").isObject()) details.set("comfy_error", body.get("error"));
            details.set("node_errors", body.path("node_errors").isMissingNode()
                    ? JsonNodeFactory.instance.objectNode() : body.get("node_errors"));
            if (e.status() >= 400 && e.status() < 500) throw new BadInput(e.getMessage(), "prompt", details);
            throw new UpstreamFailure(e.getMessage(), "prompt", details);
        } catch (ComfyUnavailableException e) {
            throw new UpstreamFailure(e.getMessage(), "comfyui");
        }
    }

    /** Waits for the prompt's end; a prompt that ComfyUI lost ends as lost within seconds, whatever the deadlines. */
    private ComfyRun await(String requestId, String comfyId, PromptWatch watch, Deadline deadline)
            throws InterruptedException {
        long unreachableSince = 0;
        while (true) {
            PromptOutcome outcome = watch.await(Math.min(HISTORY_POLL_MS, deadline.remainingMillis()));
            if (outcome == null && deadline.passed()) throw timedOut(requestId, comfyId, deadline);
            if (outcome == null) {
                if (cancelled.contains(comfyId)) stopCancelled(comfyId, watch);
                Optional<String> lost = availability.lostBecause();
                if (lost.isPresent()) {
                    outcome = new PromptOutcome.Lost(lost.get());
                } else {
                    try {
                        outcome = outcomeFromHistory(comfyId)
                                .or(() -> lostPrompts.check(comfyId, watch).map(PromptOutcome.Lost::new))
                                .orElse(null);
                        unreachableSince = 0;
                    } catch (ComfyUnavailableException e) {
                        long now = System.currentTimeMillis();
                        if (unreachableSince == 0) unreachableSince = now;
                        if (now - unreachableSince > UNREACHABLE_LIMIT_MS) {
                            outcome = new PromptOutcome.Lost("ComfyUI stopped answering: " + e.getMessage());
                        }
                    }
                }
                if (outcome == null) continue;
                watch.finish(outcome);
            }
            return switch (outcome) {
                case PromptOutcome.Succeeded s -> finished(comfyId, watch);
                case PromptOutcome.Failed f -> throw executionFailed(requestId, f.data());
                case PromptOutcome.Interrupted i -> throw interrupted(requestId, i.data());
                case PromptOutcome.Lost l -> throw new UpstreamFailure(l.reason(), "comfyui");
                case PromptOutcome.Stopped st -> throw new Unavailable(st.reason(), "server");
            };
        }
    }

    private Optional<PromptOutcome> outcomeFromHistory(String comfyId) {
        return client.history(comfyId).map(entry -> {
            JsonNode status = entry.path("status");
            if (status.path("completed").asBoolean(false)) return new PromptOutcome.Succeeded(0);
            JsonNode last = null;
            for (JsonNode message : status.path("messages")) last = message;
            if (last != null && "execution_interrupted".equals(last.path(0).asText())) {
                return new PromptOutcome.Interrupted(last.path(1));
            }
            if (last != null && "execution_error".equals(last.path(0).asText())) {
                return new PromptOutcome.Failed(last.path(1));
            }
            return new PromptOutcome.Failed(JsonNodeFactory.instance.objectNode()
                    .put("exception_message", "ComfyUI reported status " + status.path("status_str").asText("unknown")));
        });
    }

    /**
     * The deadline passed: a queued prompt is deleted from ComfyUI's queue, a running one interrupted, and
     * ComfyUI is watched for INTERRUPT_GRACE_S to see that it really stops.
     */
    private TimedOut timedOut(String requestId, String comfyId, Deadline deadline) {
        LOG.warn("prompt timed out", "request_id", requestId, "prompt_id", comfyId, "timeout", deadline.message());
        try {
            ComfyClient.QueueState queue = client.queueState();
            if (queue.pending().contains(comfyId)) {
                client.deleteFromQueue(comfyId);
            } else if (queue.running().contains(comfyId)) {
                client.interrupt(comfyId);
                Thread.ofVirtual().name("interrupt-" + requestId).start(() -> ensureStopped(comfyId));
            }
        } catch (ComfyUnavailableException e) {
            LOG.warn("could not stop the timed-out prompt at ComfyUI", "request_id", requestId, "error", e.getMessage());
        }
        return new TimedOut(deadline.message());
    }

    /** ComfyUI that still runs an interrupted prompt after INTERRUPT_GRACE_S is stuck. */
    private void ensureStopped(String comfyId) {
        long giveUpAt = System.nanoTime() + limits.interruptGrace().toNanos();
        try {
            while (client.queueState().running().contains(comfyId)) {
                if (System.nanoTime() > giveUpAt) {
                    availability.stuck("ComfyUI is stuck: it did not stop a timed-out prompt within INTERRUPT_GRACE_S ("
                            + limits.interruptGrace().toSeconds() + " s), so it was stopped and every prompt it had was lost");
                    return;
                }
                Thread.sleep(INTERRUPT_CHECK_MS);
            }
        } catch (ComfyUnavailableException e) {
            // ComfyUI went away by itself: the supervisor deals with that
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The websocket said success; the history entry is written just after, so poll briefly for it. */
    private ComfyRun finished(String comfyId, PromptWatch watch) throws InterruptedException {
        for (int attempt = 0; attempt < HISTORY_AFTER_SUCCESS_TRIES; attempt++) {
            Optional<JsonNode> entry;
            try {
                entry = client.history(comfyId);
            } catch (ComfyUnavailableException e) {
                throw new UpstreamFailure(e.getMessage(), "comfyui");
            }
            if (entry.isPresent()) {
                watch.recordTimesFromHistory(entry.get());
                return new ComfyRun(comfyId, entry.get(), watch.executionStart(), watch.executionEnd(), watch.nodeStarts());
            }
            Thread.sleep(HISTORY_AFTER_SUCCESS_MS);
        }
        throw new UpstreamFailure("ComfyUI reported success but wrote no history for prompt " + comfyId, "comfyui");
    }

    private static ExecutionFailure executionFailed(String requestId, JsonNode data) {
        String message = data.path("exception_message").asText("ComfyUI execution failed").strip();
        LOG.warn("execution_error", "request_id", requestId, "node_id", data.path("node_id").asText(),
                "node_type", data.path("node_type").asText(), "exception", message);
        return new ExecutionFailure(message, locationOf(data), failureDetails(data));
    }

    private static ExecutionFailure interrupted(String requestId, JsonNode data) {
        LOG.info("execution_interrupted", "request_id", requestId, "node_id", data.path("node_id").asText());
        String where = data.hasNonNull("node_id")
                ? " at node " + data.path("node_id").asText() + " (" + data.path("node_type").asText() + ")" : "";
        return new ExecutionFailure("Prompt execution was interrupted" + where, locationOf(data), failureDetails(data));
    }

    private static String locationOf(JsonNode data) {
        return data.hasNonNull("node_id") ? "prompt." + data.get("node_id").asText() : "prompt";
    }

    private static ObjectNode failureDetails(JsonNode data) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        for (String key : new String[]{"node_id", "node_type", "exception_type", "exception_message"}) {
            if (data.hasNonNull(key)) details.set(key, data.get(key));
        }
        return details;
    }

    private void stopCancelled(String comfyId, PromptWatch watch) {
        try {
            ComfyClient.QueueState queue = client.queueState();
            // told first, so the waiter does not take the deleted prompt for a lost one
            if (queue.pending().contains(comfyId)) {
                watch.finish(new PromptOutcome.Interrupted(JsonNodeFactory.instance.objectNode().put("prompt_id", comfyId)));
            }
            drop(queue, comfyId);
        } catch (ComfyUnavailableException e) {
            LOG.debug("could not tell ComfyUI to stop a cancelled prompt", "prompt_id", comfyId, "error", e.getMessage());
        }
    }

    /** Deletes the prompt from ComfyUI's queue or interrupts it, whichever applies now (nothing before it is listed). */
    private void drop(ComfyClient.QueueState queue, String comfyId) {
        if (queue.pending().contains(comfyId)) client.deleteFromQueue(comfyId);
        else if (queue.running().contains(comfyId)) client.interrupt(comfyId);
    }

    /** Our request id for a ComfyUI prompt id, for prompts run recently. */
    public Optional<String> requestIdOf(String comfyPromptId) {
        return Optional.ofNullable(requestIds.get(comfyPromptId));
    }

    /**
     * Gives up on every prompt in flight, for {@code reason}: each waiter ends at once, ComfyUI is asked to
     * drop the prompts (queued ones deleted, the running one interrupted), and nothing new is queued.
     */
    public void stopAll(String reason) {
        stoppedBecause = reason;
        List<String> inFlight = List.copyOf(running.values());
        for (String comfyId : inFlight) {
            events.watch(comfyId).finish(new PromptOutcome.Stopped(reason));
        }
        try {
            ComfyClient.QueueState queue = client.queueState();
            for (String comfyId : inFlight) drop(queue, comfyId);
        } catch (ComfyUnavailableException e) {
            LOG.warn("could not ask ComfyUI to drop the prompts in flight", "error", e.getMessage());
        }
    }

    /**
     * Stops the ComfyUI prompt of a request: deleted if queued, interrupted if running. ComfyUI skips an interrupt
     * that arrives before the prompt starts, so the request's waiter tells it again each second until it ends.
     */
    public boolean interrupt(String requestId) {
        String comfyId = running.get(requestId);
        if (comfyId == null) return false;
        cancelled.add(comfyId);
        if (!comfyId.equals(running.get(requestId))) {
            cancelled.remove(comfyId); // the run ended meanwhile
            return true;
        }
        stopCancelled(comfyId, events.watch(comfyId));
        return true;
    }
}
