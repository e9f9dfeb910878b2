package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.comfy.ComfyPreview;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.error.ExecutionFailure;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.TimedOut;
import org.comfyapi.server.job.JobOutput;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.Progress;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.MediaTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports every stage of every request to the job registry, and keeps the outputs of
 * {@code "async": true} jobs for download. ComfyUI's frames become job reports: running on
 * {@code execution_start}, a node event per {@code executing} and {@code execution_cached} node,
 * {@code progress}, previews (type 4 frames name their prompt; type 1 frames belong to the prompt running
 * now), and queue positions, read from {@code /queue} after a {@code status} frame while any of our
 * prompts waits behind another (at most every 200 ms).
 */
public final class JobReporter implements RunListener {
    private static final Log LOG = Log.get("prompt.jobs");
    private static final long POSITION_REFRESH_MS = 200;

    /** What a job needs while it runs: its graph (for node classes), and what delivery will report. */
    private static final class Live {
        final ObjectNode graph;
        final boolean keep;
        volatile boolean waiting = true;
        volatile boolean interrupted;
        volatile String ui;
        volatile List<JobOutput> outputs = List.of();

        Live(ObjectNode graph, boolean keep) {
            this.graph = graph;
            this.keep = keep;
        }

        String classOf(String node) {
            return graph.path(node).path("class_type").asText("");
        }
    }

    private final JobRegistry jobs;
    private final ComfyClient client;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, String> requestOfPrompt = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private volatile String executingPrompt;
    private volatile String executingNode;

    public JobReporter(JobRegistry jobs, ComfyClient client) {
        this.jobs = jobs;
        this.client = client;
    }

    /** @throws org.comfyapi.server.error.Conflict when the id is queued or running */
    @Override
    public void accepted(PromptRequest request) {
        jobs.accept(request.id());
        live.put(request.id(), new Live(request.prompt(), request.keepsOutputs()));
    }

    /** Queue mode: the job exists (queued) from the moment it is added to the shared queue, on every instance. */
    @Override
    public void enqueued(PromptRequest request) {
        jobs.accept(request.id());
    }

    /**
     * Queue mode: this instance took the job. Enqueued, or started on an instance that died, it exists
     * and is not new: only its live tracking starts here (accepting it again would be a 409). A job that
     * is final now was cancelled since it was taken: it stays so, and goes no further than {@link #sent}.
     */
    @Override
    public void resumed(PromptRequest request) {
        if (jobs.get(request.id()).isEmpty()) {
            accepted(request);
            return;
        }
        live.put(request.id(), new Live(request.prompt(), request.keepsOutputs()));
    }

    /** Queue mode: the job runs again elsewhere (or here); this attempt's tracking ends, the job stays as it is. */
    @Override
    public void abandoned(PromptRequest request) {
        live.remove(request.id());
        forget(request.id());
    }

    /** Told just before the POST to ComfyUI; a job cancelled while it was being prepared goes no further. */
    @Override
    public void sent(String requestId, String promptId) {
        if (jobs.get(requestId).map(s -> s.status().isFinal()).orElse(false)) {
            throw new ExecutionFailure("Prompt execution was interrupted: the job was cancelled before it reached ComfyUI",
                    "id", null);
        }
        requestOfPrompt.put(promptId, requestId);
        jobs.sentToComfy(requestId, promptId, -1);
    }

    @Override
    public void frame(String requestId, ComfyMessage message) {
        Live job = live.get(requestId);
        if (job == null) return;
        JsonNode data = message.data();
        switch (message.type()) {
            case "execution_start" -> started(requestId, job);
            case "execution_cached" -> {
                started(requestId, job);
                for (JsonNode node : data.path("nodes")) {
                    jobs.nodeStarted(requestId, node.asText(), job.classOf(node.asText()), true);
                }
            }
            case "executing" -> {
                if (data.path("node").isNull()) return;
                String node = data.path("node").asText();
                started(requestId, job);
                executingPrompt = message.promptId();
                executingNode = node;
                jobs.nodeStarted(requestId, node, job.classOf(node), false);
            }
            case "progress" -> {
                String node = data.path("node").isTextual() ? data.get("node").asText() : executingNode;
                jobs.progress(requestId, new Progress(node, job.classOf(node), data.path("value").asLong(),
                        data.path("max").asLong()));
            }
            case "execution_interrupted" -> job.interrupted = true;
            default -> {
            }
        }
    }

    /**
     * Every frame of ComfyUI; {@code status} frames tell the queue's length. With more than one prompt in it,
     * the waiting jobs' positions are read from {@code /queue}; a lone prompt needs no read (and a request
     * pays nothing for positions when ComfyUI is idle).
     */
    public void onComfyMessage(ComfyMessage message) {
        if (!message.type().equals("status")) return;
        JsonNode remaining = message.data().path("status").path("exec_info").path("queue_remaining");
        if (remaining.asInt(0) > 1 && live.values().stream().anyMatch(j -> j.waiting)) refreshPositions();
    }

    public void onPreview(ComfyPreview preview) {
        String promptId = preview.promptId() != null ? preview.promptId() : executingPrompt;
        String requestId = promptId == null ? null : requestOfPrompt.get(promptId);
        if (requestId == null) return;
        jobs.preview(requestId, preview.nodeId() != null ? preview.nodeId() : executingNode, preview.dataUri());
    }

    /** Outputs are known: kept ones move to the job's folder now; the others are listed when delivered. */
    @Override
    public void finished(PromptResult result) {
        String id = result.request().id();
        Live job = live.get(id);
        if (job == null) return;
        ObjectNode ui = UiOutputs.from(result.run().history());
        job.ui = ui.toString();
        List<JobOutput> outputs = new ArrayList<>();
        for (OutputFile file : result.files()) {
            try {
                long size = Files.size(file.path());
                String type = MediaTypes.forName(file.filename());
                if (job.keep) {
                    Path kept = jobs.keptDir(id).resolve(file.filename());
                    Files.move(file.path(), kept, StandardCopyOption.REPLACE_EXISTING);
                    outputs.add(new JobOutput(file.nodeId(), file.filename(), type, size, JobRegistry.keptUrl(id, file.filename())));
                } else {
                    outputs.add(new JobOutput(file.nodeId(), file.filename(), type, size, null));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not keep output " + file.filename(), e);
            }
        }
        job.outputs = outputs;
    }

    /** Where the outputs were uploaded, in the order of the result's files. */
    @Override
    public void uploaded(PromptRequest request, List<String> urls) {
        Live job = live.get(request.id());
        if (job == null || urls.size() != job.outputs.size()) return;
        List<JobOutput> withUrls = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            JobOutput o = job.outputs.get(i);
            withUrls.add(new JobOutput(o.node(), o.filename(), o.contentType(), o.size(), urls.get(i)));
        }
        job.outputs = withUrls;
    }

    @Override
    public void delivered(PromptRequest request) {
        Live job = live.remove(request.id());
        if (job == null) return;
        for (JobOutput output : job.outputs) jobs.output(request.id(), output);
        jobs.finish(request.id(), JobStatus.COMPLETED, job.ui, null);
        forget(request.id());
    }

    @Override
    public void failed(PromptRequest request, RuntimeException error) {
        Live job = live.remove(request.id());
        boolean interrupted = job != null && job.interrupted;
        jobs.finish(request.id(), interrupted ? JobStatus.INTERRUPTED : statusOf(error), null, errorBody(error).toString());
        forget(request.id());
    }

    private static JobStatus statusOf(RuntimeException error) {
        if (error instanceof TimedOut) return JobStatus.TIMED_OUT;
        String message = String.valueOf(error.getMessage());
        return message.startsWith("Prompt execution was interrupted") ? JobStatus.INTERRUPTED : JobStatus.FAILED;
    }

    /** The body a failed synchronous request answers. */
    static ObjectNode errorBody(RuntimeException error) {
        if (error instanceof RequestError e) return e.body();
        return JsonNodeFactory.instance.objectNode().put("error", "Internal server error");
    }

    private void started(String requestId, Live job) {
        if (job.waiting) {
            job.waiting = false;
            jobs.running(requestId);
        }
    }

    private void forget(String requestId) {
        requestOfPrompt.values().removeIf(requestId::equals);
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
            if (dirty.get()) refreshPositions();
        });
    }

    private void readPositions() {
        try {
            ComfyClient.QueueState queue = client.queueState();
            int ahead = queue.running().size();
            List<String> pending = queue.pending();
            for (int i = 0; i < pending.size(); i++) {
                String requestId = requestOfPrompt.get(pending.get(i));
                Live job = requestId == null ? null : live.get(requestId);
                if (job != null && job.waiting) jobs.queuePosition(requestId, ahead + i);
            }
        } catch (ComfyUnavailableException e) {
            LOG.debug("queue positions not read", "error", e.getMessage());
        }
    }
}
