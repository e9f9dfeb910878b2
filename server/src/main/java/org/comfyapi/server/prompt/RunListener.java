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

    /** Tells each of {@code listeners}, in order. */
    static RunListener all(RunListener... listeners) {
        List<RunListener> each = List.of(listeners);
        return new RunListener() {
            @Override
            public void accepted(PromptRequest request) {
                for (RunListener l : each) l.accepted(request);
            }

            @Override
            public void enqueued(PromptRequest request) {
                for (RunListener l : each) l.enqueued(request);
            }

            @Override
            public void resumed(PromptRequest request) {
                for (RunListener l : each) l.resumed(request);
            }

            @Override
            public void abandoned(PromptRequest request) {
                for (RunListener l : each) l.abandoned(request);
            }

            @Override
            public void sent(String requestId, String promptId) {
                for (RunListener l : each) l.sent(requestId, promptId);
            }

            @Override
            public void frame(String requestId, ComfyMessage message) {
                for (RunListener l : each) l.frame(requestId, message);
            }

            @Override
            public void finished(PromptResult result) {
                for (RunListener l : each) l.finished(result);
            }

            @Override
            public void uploaded(PromptRequest request, List<String> urls) {
                for (RunListener l : each) l.uploaded(request, urls);
            }

            @Override
            public void failed(PromptRequest request, RuntimeException error) {
                for (RunListener l : each) l.failed(request, error);
            }

            @Override
            public void delivered(PromptRequest request) {
                for (RunListener l : each) l.delivered(request);
            }
        };
    }

    default void accepted(PromptRequest request) {
    }

    /** Queue mode: the request was checked and added to the shared queue; some instance will run it. */
    default void enqueued(PromptRequest request) {
    }

    /**
     * Queue mode: a request taken from the shared queue starts here. It may have been {@link #enqueued}
     * (or started on an instance that died) before, so it is not new; by default it is told as accepted.
     */
    default void resumed(PromptRequest request) {
        accepted(request);
    }

    /**
     * Queue mode: this instance gave up a job it {@link #resumed} without finishing it (its ComfyUI was lost,
     * or the server is stopping). Nothing was delivered; the job stays queued for another attempt.
     */
    default void abandoned(PromptRequest request) {
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
