package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.comfy.ComfyPreview;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.Progress;
import org.comfyapi.server.log.Log;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports every stage of every request to the job registry (accepted, queued at ComfyUI, its frames,
 * finished or failed, delivered), and keeps the outputs of {@code "async": true} jobs for download.
 * ComfyUI's websocket frames about our prompts become job reports: running on {@code execution_start},
 * a node event per {@code executing} and {@code execution_cached} node, {@code progress}, previews (type 4
 * frames name their prompt; type 1 frames belong to the prompt running now), and queue positions, read
 * from {@code /queue} after a {@code status} frame while any of our prompts waits (at most every 200 ms).
 */
public final class JobReporter {
    private static final Log LOG = Log.get("prompt.jobs");
    private static final long POSITION_REFRESH_MS = 200;

    private record Tracked(String requestId, ObjectNode graph) {
        String classOf(String node) {
            return graph.path(node).path("class_type").asText("");
        }
    }

    private final JobRegistry jobs;
    private final ComfyClient client;
    private final Map<String, Tracked> byComfyId = new ConcurrentHashMap<>();
    private final Map<String, Boolean> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private volatile String executingPrompt;
    private volatile String executingNode;

    public JobReporter(JobRegistry jobs, ComfyClient client) {
        this.jobs = jobs;
        this.client = client;
    }

    /** The prompt is in ComfyUI's queue: its frames now report to the job. */
    public void queued(String requestId, String comfyId, ObjectNode graph) {
        byComfyId.put(comfyId, new Tracked(requestId, graph));
        waiting.put(comfyId, Boolean.TRUE);
        jobs.sentToComfy(requestId, comfyId, -1);
        refreshPositions();
    }

    /** The prompt ended at ComfyUI (any way): no more reports. */
    public void done(String comfyId) {
        byComfyId.remove(comfyId);
        waiting.remove(comfyId);
    }

    public void onMessage(ComfyMessage message) {
        if (message.type().equals("status")) {
            if (!waiting.isEmpty()) refreshPositions();
            return;
        }
        String comfyId = message.promptId();
        Tracked job = comfyId == null ? null : byComfyId.get(comfyId);
        if (job == null) return;
        JsonNode data = message.data();
        switch (message.type()) {
            case "execution_start" -> started(comfyId, job);
            case "execution_cached" -> {
                started(comfyId, job);
                for (JsonNode node : data.path("nodes")) jobs.nodeStarted(job.requestId(), node.asText(), job.classOf(node.asText()), true);
            }
            case "executing" -> {
                if (data.path("node").isNull()) return;
                String node = data.path("node").asText();
                started(comfyId, job);
                executingPrompt = comfyId;
                executingNode = node;
                jobs.nodeStarted(job.requestId(), node, job.classOf(node), false);
            }
            case "progress" -> {
                String node = data.path("node").asText(executingNode);
                jobs.progress(job.requestId(), new Progress(node, job.classOf(node), data.path("value").asLong(),
                        data.path("max").asLong()));
            }
            default -> {
            }
        }
    }

    public void onPreview(ComfyPreview preview) {
        String comfyId = preview.promptId() != null ? preview.promptId() : executingPrompt;
        Tracked job = comfyId == null ? null : byComfyId.get(comfyId);
        if (job == null) return;
        String node = preview.nodeId() != null ? preview.nodeId() : executingNode;
        jobs.preview(job.requestId(), node, preview.dataUri());
    }

    private void started(String comfyId, Tracked job) {
        if (waiting.remove(comfyId) != null) jobs.running(job.requestId());
    }

    /** Reads ComfyUI's queue on a virtual thread; asks made while a read is under way make one more read. */
    private void refreshPositions() {
        dirty.set(true);
        if (!refreshing.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("job-positions").start(() -> {
            try {
                while (dirty.getAndSet(false)) {
                    Thread.sleep(POSITION_REFRESH_MS);  // coalesces the status frames of a burst of enqueues
                    readPositions();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                refreshing.set(false);
            }
            if (dirty.get() && !waiting.isEmpty()) refreshPositions();
        });
    }

    private void readPositions() {
        try {
            ComfyClient.QueueState queue = client.queueState();
            int ahead = queue.running().size();
            List<String> pending = queue.pending();
            for (int i = 0; i < pending.size(); i++) {
                Tracked job = byComfyId.get(pending.get(i));
                if (job != null && waiting.containsKey(pending.get(i))) jobs.queuePosition(job.requestId(), ahead + i);
            }
        } catch (ComfyUnavailableException e) {
            LOG.debug("queue positions not read", "error", e.getMessage());
        }
    }
}
