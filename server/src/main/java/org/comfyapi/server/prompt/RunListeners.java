package org.comfyapi.server.prompt;

import org.comfyapi.server.comfy.ComfyMessage;

import java.util.Arrays;
import java.util.List;

/** Several listeners as one, told in order; the first to throw (a job id conflict on accept) stops the rest. */
public final class RunListeners implements RunListener {
    private final List<RunListener> listeners;

    private RunListeners(List<RunListener> listeners) {
        this.listeners = listeners;
    }

    public static RunListener of(RunListener... listeners) {
        List<RunListener> real = Arrays.stream(listeners).filter(l -> l != RunListener.NONE).toList();
        return real.size() == 1 ? real.getFirst() : new RunListeners(real);
    }

    @Override
    public void accepted(PromptRequest request) {
        for (RunListener l : listeners) l.accepted(request);
    }

    @Override
    public void sent(String requestId, String promptId) {
        for (RunListener l : listeners) l.sent(requestId, promptId);
    }

    @Override
    public void frame(String requestId, ComfyMessage message) {
        for (RunListener l : listeners) l.frame(requestId, message);
    }

    @Override
    public void finished(PromptResult result) {
        for (RunListener l : listeners) l.finished(result);
    }

    @Override
    public void uploaded(PromptRequest request, List<String> urls) {
        for (RunListener l : listeners) l.uploaded(request, urls);
    }

    @Override
    public void failed(PromptRequest request, RuntimeException error) {
        for (RunListener l : listeners) l.failed(request, error);
    }

    @Override
    public void delivered(PromptRequest request) {
        for (RunListener l : listeners) l.delivered(request);
    }
}
