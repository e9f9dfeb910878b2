package org.comfyapi.server.workflow;

import java.nio.file.Path;

/** A file under WORKFLOW_DIR that gave no endpoint, and why (it is also logged). */
public record SkippedWorkflow(Path file, String reason) {
}
