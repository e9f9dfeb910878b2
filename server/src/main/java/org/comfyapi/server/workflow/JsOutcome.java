package org.comfyapi.server.workflow;

/** What one generate call in JavaScript came to, as JSON text taken out of the context. */
sealed interface JsOutcome {
    record Generated(String inputJson, String promptJson) implements JsOutcome {
    }

    /** RequestSchema rejected the input: a JSON array of {path: [...], message}. */
    record Invalid(String issuesJson) implements JsOutcome {
    }

    /** generateWorkflow threw or rejected, or the file could not be loaded in this context. */
    record Failed(String message) implements JsOutcome {
    }
}
