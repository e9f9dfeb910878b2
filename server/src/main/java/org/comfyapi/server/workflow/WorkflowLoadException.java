package org.comfyapi.server.workflow;

/** Why one workflow file was skipped; logged with its path, never thrown out of the registry. */
final class WorkflowLoadException extends Exception {
    WorkflowLoadException(String reason) {
        super(reason);
    }
}
