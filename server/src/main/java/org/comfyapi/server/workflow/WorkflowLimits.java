package org.comfyapi.server.workflow;

import java.time.Duration;

/**
 * How much JavaScript the workflows may run: {@code maxContexts} requests at once (each context holds
 * every workflow, some MB), and {@code callTimeout} per load or generate call, after which the call
 * fails and its context is thrown away (a file stuck in a loop cannot take a context for good).
 */
public record WorkflowLimits(int maxContexts, Duration callTimeout) {
    public WorkflowLimits {
        if (maxContexts < 1) throw new IllegalArgumentException("maxContexts must be at least 1");
        if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("callTimeout must be positive");
    }

    /** Twice the processor count of contexts, 30 seconds per call. */
    public static WorkflowLimits defaults() {
        return new WorkflowLimits(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(30));
    }

    public WorkflowLimits withMaxContexts(int max) {
        return new WorkflowLimits(max, callTimeout);
    }
}
