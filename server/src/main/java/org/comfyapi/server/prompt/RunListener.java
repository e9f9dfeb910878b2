package org.comfyapi.server.prompt;

import org.comfyapi.server.comfy.ComfyMessage;

import java.util.List;

/**
 * Sees every stage of every request, sync and async alike, from the one place that runs them
 * ({@link PromptPipeline}): accepted, sent to ComfyUI under its prompt id, ComfyUI's frames for that
 * prompt, finished (outputs collected) or failed, and delivered (response written or webhooks sent).
 * Calls come on the request's own thread, or ComfyUI's websocket thread for frames; keep them short.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    default void accepted(PromptRequest request) {
    }

    /**
     * The graph is being sent to ComfyUI under {@code promptId}; told before any frame of it. Told again
     * with another id in the rare case ComfyUI chose its own.
     */
    default void sent(String requestId, String promptId) {
    }

    default void frame(String requestId, ComfyMessage message) {
    }

    default void finished(PromptResult result) {
    }

    /** The outputs were uploaded: their URLs, in the order of the result's files. */
    default void uploaded(PromptRequest request, List<String> urls) {
    }

    /** The request failed at any stage; {@code error} is usually a {@code RequestError}. */
    default void failed(PromptRequest request, RuntimeException error) {
    }

    default void delivered(PromptRequest request) {
    }
}
