package org.comfyapi.simulator.nodes;

import java.util.Map;

/** Services a running node gets from the executor. */
public interface ExecContext {
    String promptId();

    String nodeId();

    NodeEnv env();

    /** ProgressBar.update_absolute: checks the interrupt flag, then reports value/max. */
    void progress(long value, long max);

    /** As {@link #progress(long, long)} with a latent preview image (sent only when a previewer is active). */
    void progress(long value, long max, java.awt.image.BufferedImage preview);

    /** comfy.model_management.throw_exception_if_processing_interrupted. */
    void checkInterrupted();

    /** Blocks until the prompt is interrupted, then throws the interrupt. */
    void blockUntilInterrupted();

    /** Per node-instance attributes (ComfyUI keeps one object per node id across prompts). */
    Map<String, Object> instance();
}
