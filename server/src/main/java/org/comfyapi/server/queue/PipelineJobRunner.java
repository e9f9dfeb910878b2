package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.prompt.PromptPipeline;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.workflow.Generated;
import org.comfyapi.server.workflow.WorkflowEndpoint;
import org.comfyapi.server.workflow.WorkflowHost;

import java.util.Optional;

/** Runs jobs taken from the queue through the same pipeline as every request, and delivers them. */
public final class PipelineJobRunner implements QueuedJobRunner {
    private static final Log LOG = Log.get("queue");
    private static final String WORKFLOW = "/workflow/";

    private final PromptPipeline pipeline;
    private final WorkflowHost workflows;
    private final JobRegistry jobs;
    private final Optional<String> resultsUrl;

    public PipelineJobRunner(PromptPipeline pipeline, WorkflowHost workflows, JobRegistry jobs,
                             Optional<String> resultsUrl) {
        this.pipeline = pipeline;
        this.workflows = workflows;
        this.jobs = jobs;
        this.resultsUrl = resultsUrl;
    }

    @Override
    public boolean knowsRoute(String route) {
        try {
            return workflows.await().find(route.substring(WORKFLOW.length())).isPresent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RequestError e) {
            return false;
        }
    }

    /** Final, and finished after this entry was added: an earlier job with the same id does not count. */
    @Override
    public boolean isFinal(QueuedJob job) {
        return endedSinceAdded(job, jobs.get(job.jobId()));
    }

    private static boolean endedSinceAdded(QueuedJob job, Optional<JobState> state) {
        long added = Long.parseLong(job.entryId().substring(0, job.entryId().indexOf('-')));
        return state.filter(s -> s.status().isFinal() && s.finishedAt() >= added).isPresent();
    }

    @Override
    public RunOutcome run(QueuedJob job, Runnable computed) {
        Optional<JobState> state = jobs.get(job.jobId());
        if (endedSinceAdded(job, state)) {
            LOG.info("Queued job ended (cancelled) before it ran here; acknowledging it", "id", job.jobId());
            return RunOutcome.delivered();
        }
        // added with XADD, or expired: a new job, created now so that a cancel from here on is never undone
        if (state.isEmpty() || state.get().status().isFinal()) jobs.accept(job.jobId());
        PromptRequest request;
        try {
            request = request(job);
        } catch (RequestError e) {
            return RunOutcome.rejected((e.location() == null ? "" : e.location() + ": ") + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunOutcome.unfinished("interrupted before it ran");
        }
        try {
            Optional<String> lost = pipeline.runQueued(request, computed);
            return lost.map(RunOutcome::unfinished).orElseGet(RunOutcome::delivered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunOutcome.unfinished("interrupted while it ran");
        }
    }

    @Override
    public void deadLettered(QueuedJob job, String error) {
        try {
            pipeline.failQueued(request(job), error);
        } catch (RequestError e) {
            LOG.warn("Dead job's request is invalid; no prompt.failed sent", "id", job.jobId(), "error", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request a queue entry stands for: a workflow's graph generated, the results URL filled in. */
    private PromptRequest request(QueuedJob job) throws InterruptedException {
        ObjectNode body = job.body().deepCopy();
        if (!body.has("id")) body.put("id", job.jobId());
        if (job.route().startsWith(WORKFLOW)) {
            WorkflowEndpoint endpoint = workflows.await().find(job.route().substring(WORKFLOW.length()))
                    .orElseThrow(() -> new IllegalStateException("workflow vanished: " + job.route()));
            Generated generated = endpoint.generate(body.get("input"));
            body.set("input", generated.input());
            body.set("prompt", generated.prompt());
        }
        if (!ResultsTarget.hasDelivery(body) && resultsUrl.isPresent()) ResultsTarget.apply(body, resultsUrl.get());
        return PromptRequest.parse(body);
    }
}
