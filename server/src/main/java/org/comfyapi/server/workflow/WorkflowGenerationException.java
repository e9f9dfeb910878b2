package org.comfyapi.server.workflow;

import org.comfyapi.server.http.ApiException;

/** generateWorkflow threw or its promise rejected: 400, as the seed answers. */
public final class WorkflowGenerationException extends ApiException {
    private final String jsMessage;

    public WorkflowGenerationException(String jsMessage) {
        super(400, "Failed to generate workflow prompt: " + jsMessage, "input");
        this.jsMessage = jsMessage;
    }

    /** The JavaScript error's own message. */
    public String jsMessage() {
        return jsMessage;
    }
}
