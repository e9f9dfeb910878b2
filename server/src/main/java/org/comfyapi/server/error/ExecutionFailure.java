package org.comfyapi.server.error;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** ComfyUI ran the graph and it failed or was interrupted; {@code details} carry ComfyUI's own report. */
public final class ExecutionFailure extends RequestError {
    public ExecutionFailure(String message, String location, ObjectNode details) {
        super(message, location, details);
    }
}
