package org.comfyapi.server.workflow;

import org.comfyapi.server.error.BadInput;

/** generateWorkflow threw or its promise rejected: 400, as the seed answers. */
public final class WorkflowGenerationException extends BadInput {
    public WorkflowGenerationException(String jsMessage) {
        super("Failed to generate workflow prompt: " + jsMessage, "input");
    }

}
