package org.comfyapi.simulator.exec;

/** PromptServer fields the worker updates: client_id, last_node_id, last_prompt_id. */
public final class ServerState {
    private volatile String clientId;
    private volatile String lastNodeId;
    private volatile String lastPromptId;

    public String clientId() {
        return clientId;
    }

    public void clientId(String v) {
        clientId = v;
    }

    public String lastNodeId() {
        return lastNodeId;
    }

    public void lastNodeId(String v) {
        lastNodeId = v;
    }

    public String lastPromptId() {
        return lastPromptId;
    }

    public void lastPromptId(String v) {
        lastPromptId = v;
    }
}
