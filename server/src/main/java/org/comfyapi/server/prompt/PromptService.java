package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyUnavailableException;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.log.Log;

import java.nio.file.Path;
import java.util.List;

/** The one-way path of a prompt: preprocess, resolve inputs, run at ComfyUI, collect and convert outputs. */
public final class PromptService {
    private static final Log LOG = Log.get("prompt");

    private final PromptPreprocessor preprocessor;
    private final ComfyRunner runner;
    private final OutputCollector collector;
    private final OutputConverter converter;
    private final InputResolver inputs;
    private final InputLimits limits;
    private final GraphCheck graphCheck;
    private final QueueLimit queueLimit;

    public PromptService(PromptPreprocessor preprocessor, InputLimits limits, GraphCheck graphCheck, InputResolver inputs,
                         ComfyRunner runner, OutputCollector collector, OutputConverter converter, QueueLimit queueLimit) {
        this.queueLimit = queueLimit;
        this.preprocessor = preprocessor;
        this.limits = limits;
        this.graphCheck = graphCheck;
        this.inputs = inputs;
        this.runner = runner;
        this.collector = collector;
        this.converter = converter;
    }

    /** Every check of ours, then the graph as ComfyUI will check it: a bad graph fails before any download. */
    public PreparedPrompt prepare(PromptRequest request) {
        long started = System.currentTimeMillis();
        return new PreparedPrompt(request, checked(request, false), started);
    }

    /** {@code POST /validate}: the checks of {@link #prepare}, none of them skipped; nothing is fetched or run. */
    public void validate(PromptRequest request) {
        checked(request, true);
    }

    /** The graph ComfyUI will get. When ComfyUI cannot be asked for its nodes, a run leaves the graph check to it. */
    private ObjectNode checked(PromptRequest request, boolean comfyRequired) {
        limits.check(request.prompt());
        ObjectNode graph = preprocessor.apply(request.prompt(), request.id());
        try {
            graphCheck.check(graph);
        } catch (ComfyUnavailableException e) {
            if (comfyRequired) throw new Unavailable("Cannot check the graph: " + e.getMessage(), "comfyui");
            LOG.debug("graph check left to ComfyUI", "request_id", request.id(), "error", e.getMessage());
        }
        return graph;
    }

    /** Prepares and runs a request with no one watching (the warmup). */
    public PromptResult run(PromptRequest request) throws InterruptedException {
        return run(prepare(request), RunListener.NONE);
    }

    public PromptResult run(PreparedPrompt prepared, RunListener listener) throws InterruptedException {
        PromptRequest request = prepared.request();
        Deadline deadline = runner.deadlineFor(request.body());
        var graph = prepared.graph();
        long started = prepared.startedAt();
        List<Path> inputFiles = inputs.resolve(graph, request);
        long queuedAt = System.currentTimeMillis();
        LOG.info("prompt accepted", "request_id", request.id(), "nodes", graph.size(), "inputs", inputFiles.size());
        ComfyRun run;
        try {
            run = runner.run(request.id(), graph, request.front(), listener, deadline);
        } finally {
            InputResolver.deleteAll(inputFiles);
        }
        long doneAt = System.currentTimeMillis();
        queueLimit.ran(run.executionEnd() > run.executionStart() && run.executionStart() > 0
                ? run.executionEnd() - run.executionStart() : doneAt - queuedAt);
        List<OutputFile> files = collector.collect(request.id(), run.history());
        if (request.conversion().isPresent()) files = converter.convert(request.id(), files, request.conversion().get());
        long collectedAt = System.currentTimeMillis();
        LOG.info("prompt finished", "request_id", request.id(), "outputs", files.size(),
                "comfy_ms", doneAt - queuedAt);
        return new PromptResult(request, graph, files, started, queuedAt - started, run, doneAt - queuedAt,
                collectedAt - doneAt);
    }

    public boolean interrupt(String requestId) {
        return runner.interrupt(requestId);
    }
}
