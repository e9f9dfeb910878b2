package org.comfyapi.simulator.nodes;

import java.util.Map;

/** Services a running node gets from the executor. */
public interface ExecContext {
    String promptId();

    String nodeId();

    NodeEnv env();

    /** ProgressBar.update_absolute: checks the interrupt flag, then reports value/max. */
    void progress(long value, long max);

    /** comfy.model_management.throw_exception_if_processing_interrupted. */
    void checkInterrupted();

    /** Blocks until the prompt is interrupted, then throws the interrupt. */
    void blockUntilInterrupted();

    /** Per node-instance attributes (ComfyUI keeps one object per node id across prompts). */
    Map<String, Object> instance();
}
