package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.log.Log;

import java.nio.file.Path;
import java.util.List;

/** The one-way path of a prompt: preprocess, run at ComfyUI, collect outputs. Delivery is the caller's. */
public final class PromptService {
    private static final Log LOG = Log.get("prompt");

    private final PromptPreprocessor preprocessor;
    private final ComfyRunner runner;
    private final OutputCollector collector;
    private final OutputConverter converter;
    private final InputResolver inputs;
    private final QueueLimit queueLimit;

    public PromptService(PromptPreprocessor preprocessor, InputResolver inputs, ComfyRunner runner,
                         OutputCollector collector, OutputConverter converter, QueueLimit queueLimit) {
        this.queueLimit = queueLimit;
        this.preprocessor = preprocessor;
        this.inputs = inputs;
        this.runner = runner;
        this.collector = collector;
        this.converter = converter;
    }

    public ObjectNode preprocess(PromptRequest request) {
        return preprocessor.apply(request.prompt(), request.id());
    }

    public PromptResult run(PromptRequest request) throws InterruptedException {
        long started = System.currentTimeMillis();
        Deadline deadline = runner.deadlineFor(request.body());
        ObjectNode graph = preprocess(request);
        List<Path> inputFiles = inputs.resolve(graph, request);
        long queuedAt = System.currentTimeMillis();
        LOG.info("prompt accepted", "request_id", request.id(), "nodes", graph.size(), "inputs", inputFiles.size());
        ComfyRun run;
        try {
            run = runner.run(request.id(), graph, deadline);
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
