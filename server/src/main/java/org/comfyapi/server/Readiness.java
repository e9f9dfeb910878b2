package org.comfyapi.server;

import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfySupervisor;
import org.comfyapi.server.http.HttpApi;
import org.comfyapi.server.workflow.WorkflowHost;

/**
 * What {@code /health} and {@code /ready} report: healthy once start-up finished; ready while ComfyUI
 * is up, warm and answering over HTTP and the websocket, the workflows are loaded, and its queue is shorter
 * than MAX_QUEUE_DEPTH (0: no limit).
 */
final class Readiness implements HttpApi.Probes {
    private final ComfySupervisor supervisor;
    private final WorkflowHost workflows;
    private final ComfyEvents events;
    private final ComfyClient client;
    private final int maxQueueDepth;
    private volatile boolean healthy;
    private volatile boolean stopping;

    Readiness(ComfySupervisor supervisor, WorkflowHost workflows, ComfyEvents events, ComfyClient client,
              int maxQueueDepth) {
        this.supervisor = supervisor;
        this.workflows = workflows;
        this.events = events;
        this.client = client;
        this.maxQueueDepth = maxQueueDepth;
    }

    void started() {
        healthy = true;
    }

    /** The server is draining: not ready from now on. */
    void stopping() {
        stopping = true;
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public boolean ready() {
        if (stopping || !healthy || !supervisor.isReady() || !workflows.isLoaded() || !supervisor.isAnswering()) return false;
        if (maxQueueDepth <= 0) return true;
        int remaining = events.isConnected() ? events.queueRemaining() : -1;
        if (remaining < 0) {
            try {
                remaining = client.queueRemaining();
            } catch (RuntimeException e) {
                return false;
            }
        }
        return remaining < maxQueueDepth;
    }
}
