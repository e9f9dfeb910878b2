package org.comfyapi.server.prompt;

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

    public PromptService(PromptPreprocessor preprocessor, InputResolver inputs, ComfyRunner runner,
                         OutputCollector collector, OutputConverter converter) {
        this.preprocessor = preprocessor;
        this.inputs = inputs;
        this.runner = runner;
        this.collector = collector;
        this.converter = converter;
    }

    /** Preprocesses the graph; a graph that cannot run is a {@code BadInput}. */
    public PreparedPrompt prepare(PromptRequest request) {
        long started = System.currentTimeMillis();
        return new PreparedPrompt(request, preprocessor.apply(request.prompt(), request.id()), started);
    }

    /** Prepares and runs a request with no one watching (the warmup). */
    public PromptResult run(PromptRequest request) throws InterruptedException {
        return run(prepare(request), RunListener.NONE);
    }

    public PromptResult run(PreparedPrompt prepared, RunListener listener) throws InterruptedException {
        PromptRequest request = prepared.request();
        var graph = prepared.graph();
        long started = prepared.startedAt();
        List<Path> inputFiles = inputs.resolve(graph, request);
        long queuedAt = System.currentTimeMillis();
        LOG.info("prompt accepted", "request_id", request.id(), "nodes", graph.size(), "inputs", inputFiles.size());
        ComfyRun run;
        try {
            run = runner.run(request.id(), graph, request.front(), listener);
        } finally {
            InputResolver.deleteAll(inputFiles);
        }
        long doneAt = System.currentTimeMillis();
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
