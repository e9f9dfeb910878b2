package org.comfyapi.server.prompt;

import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.metrics.Metrics.Phase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts jobs and times their phases: queue (accepted until ComfyUI starts executing it), execution
 * (until its outputs are collected) and delivery (until the response is written or the webhooks sent).
 */
public final class JobMetrics implements RunListener {
    private final Metrics metrics;
    private final Map<String, Timing> jobs = new ConcurrentHashMap<>();

    private static final class Timing {
        final long accepted = System.nanoTime();
        volatile long executing;
        volatile long finished;
    }

    public JobMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void accepted(PromptRequest request) {
        if (jobs.putIfAbsent(request.id(), new Timing()) == null) metrics.jobStarted();
    }

    @Override
    public void frame(String requestId, ComfyMessage message) {
        if (!"execution_start".equals(message.type())) return;
        Timing timing = jobs.get(requestId);
        if (timing != null && timing.executing == 0) {
            timing.executing = System.nanoTime();
            metrics.jobPhase(Phase.QUEUE, timing.executing - timing.accepted);
        }
    }

    @Override
    public void finished(PromptResult result) {
        Timing timing = jobs.get(result.request().id());
        if (timing == null) return;
        timing.finished = System.nanoTime();
        long started = timing.executing == 0 ? timing.accepted : timing.executing;
        metrics.jobPhase(Phase.EXECUTION, timing.finished - started);
    }

    @Override
    public void failed(PromptRequest request, RuntimeException error) {
        if (jobs.remove(request.id()) != null) metrics.jobEnded("failure");
    }

    /** Queue mode: this instance's attempt failed (ComfyUI lost, or stopping); the job is tried again. */
    @Override
    public void abandoned(PromptRequest request) {
        if (jobs.remove(request.id()) != null) metrics.jobEnded("failure");
    }

    @Override
    public void delivered(PromptRequest request) {
        Timing timing = jobs.remove(request.id());
        if (timing == null) return;
        if (timing.finished != 0) metrics.jobPhase(Phase.DELIVERY, System.nanoTime() - timing.finished);
        metrics.jobEnded("success");
    }
}
