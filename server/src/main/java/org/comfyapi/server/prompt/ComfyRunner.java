package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfyRejectedException;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.comfy.PromptOutcome;
import org.comfyapi.server.comfy.PromptWatch;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.ExecutionFailure;
import org.comfyapi.server.error.UpstreamFailure;
import org.comfyapi.server.log.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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

    private final ComfyClient client;
    private final ComfyEvents events;
    private final Supplier<Optional<String>> comfyLost;
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final Map<String, String> requestIds = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > 4096;
                }
            });

    public ComfyRunner(ComfyClient client, ComfyEvents events, Supplier<Optional<String>> comfyLost) {
        this.client = client;
        this.events = events;
        this.comfyLost = comfyLost;
    }

    public ComfyRun run(String requestId, ObjectNode graph, boolean front, RunListener listener) throws InterruptedException {
        String comfyId = UUID.randomUUID().toString();
        PromptWatch watch = events.watch(comfyId);
        watch.listen(message -> listener.frame(requestId, message));
        running.put(requestId, comfyId);
        requestIds.put(comfyId, requestId);
        try {
            listener.sent(requestId, comfyId); // before the POST: frames may overtake its answer
            ComfyClient.Queued queued = queue(graph, comfyId, front);
            if (!queued.promptId().equals(comfyId)) {
                events.unwatch(comfyId);
                comfyId = queued.promptId();
                watch = events.watch(comfyId);
                watch.listen(message -> listener.frame(requestId, message));
                running.put(requestId, comfyId);
                requestIds.put(comfyId, requestId);
                listener.sent(requestId, comfyId);
            }
            LOG.debug("queued", "request_id", requestId, "prompt_id", comfyId, "number", queued.number());
            return await(requestId, comfyId, watch);
        } finally {
            running.remove(requestId);
            events.unwatch(comfyId);
        }
    }

    private ComfyClient.Queued queue(ObjectNode graph, String comfyId, boolean front) {
        try {
            return client.queue(graph, events.clientId(), comfyId, front);
        } catch (ComfyRejectedException e) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            JsonNode body = e.body();
            String message = e.getMessage();
            if (body.path("error").isObject()) {
                String detail = body.path("error").path("details").asText("");
                if (!detail.isBlank()) message = message + ": " + detail;
                details.set("comfy_error", body.get("error"));
            }
            details.set("node_errors", body.path("node_errors").isMissingNode()
                    ? JsonNodeFactory.instance.objectNode() : body.get("node_errors"));
            if (e.status() >= 400 && e.status() < 500) throw new BadInput(message, "prompt", details);
            throw new UpstreamFailure(message, "prompt", details);
        } catch (ComfyUnavailableException e) {
            throw new UpstreamFailure(e.getMessage(), "comfyui");
        }
    }

    private ComfyRun await(String requestId, String comfyId, PromptWatch watch) throws InterruptedException {
        long unreachableSince = 0;
        while (true) {
            PromptOutcome outcome = watch.await(HISTORY_POLL_MS);
            if (outcome == null) {
                Optional<String> lost = comfyLost.get();
                if (lost.isPresent()) {
                    outcome = new PromptOutcome.Lost(lost.get());
                } else {
                    try {
                        outcome = outcomeFromHistory(comfyId).orElse(null);
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

    /** Our request id for a ComfyUI prompt id, for prompts run recently. */
    public Optional<String> requestIdOf(String comfyPromptId) {
        return Optional.ofNullable(requestIds.get(comfyPromptId));
    }

    /** Interrupts the ComfyUI prompt of a request, whether it is running or still queued. */
    public boolean interrupt(String requestId) {
        String comfyId = running.get(requestId);
        if (comfyId == null) return false;
        ComfyClient.QueueState queue = client.queueState();
        if (queue.pending().contains(comfyId)) {
            client.deleteFromQueue(comfyId);
            events.watch(comfyId).finish(new PromptOutcome.Interrupted(
                    JsonNodeFactory.instance.objectNode().put("prompt_id", comfyId)));
        } else {
            client.interrupt(comfyId);
        }
        return true;
    }
}
