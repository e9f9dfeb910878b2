package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.queue.PromptQueue;
import org.comfyapi.simulator.queue.QueueItem;
import org.comfyapi.simulator.ws.WsHub;

import java.util.Locale;
import java.util.Map;

/** main.prompt_worker: the single thread that takes prompts off the queue and runs them. */
public final class PromptWorker implements Runnable {
    private final PromptQueue queue;
    private final PromptExecutor executor;
    private final WsHub hub;
    private final ServerState state;
    private final boolean crashOnPrompt;
    private volatile boolean running = true;

    public PromptWorker(PromptQueue queue, PromptExecutor executor, WsHub hub, ServerState state, boolean crashOnPrompt) {
        this.queue = queue;
        this.executor = executor;
        this.hub = hub;
        this.state = state;
        this.crashOnPrompt = crashOnPrompt;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            PromptQueue.Taken taken;
            try {
                taken = queue.get(500);
            } catch (InterruptedException e) {
                return;
            }
            if (taken != null) runOne(taken);
            Map<String, JsonNode> flags = queue.takeFlags();
            if (flags.containsKey("free_memory") && Py.truthy(flags.get("free_memory"))) executor.reset();
        }
    }

    private void runOne(PromptQueue.Taken taken) {
        QueueItem item = taken.item();
        long start = System.nanoTime();
        state.lastPromptId(item.promptId());
        if (crashOnPrompt) {
            System.err.println("Simulated crash: --crash-on-prompt");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        PromptExecutor.Outcome outcome = executor.execute(item);
        ObjectNode status = PyJson.object();
        status.put("status_str", outcome.success() ? "success" : "error");
        status.put("completed", outcome.success());
        status.set("messages", outcome.statusMessages());
        queue.taskDone(taken.taskId(), outcome.historyResult(), status);
        String clientId = state.clientId();
        if (clientId != null) {
            ObjectNode msg = PyJson.object();
            msg.putNull("node");
            msg.put("prompt_id", item.promptId());
            hub.send("executing", msg, clientId);
        }
        org.comfyapi.simulator.Log.info(String.format(Locale.ROOT, "Prompt executed in %.2f seconds", (System.nanoTime() - start) / 1e9));
    }
}
