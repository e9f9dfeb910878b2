package org.comfyapi.server.queue;

/** What the queue consumer needs from the rest of the server to run jobs it takes from the stream. */
public interface QueuedJobRunner {
    /** Whether {@code /workflow/<path>} names a workflow this server has ({@code /prompt} is always known). */
    boolean knowsRoute(String route);

    /** Whether the job already has a final status (an earlier attempt finished it): then it is only acknowledged. */
    boolean isFinal(QueuedJob job);

    /**
     * Runs the job and delivers its result; blocks until then. Must not throw for a job that failed:
     * deliver it. Calls {@code computed} once ComfyUI is done with it (before delivery), so that the
     * next job can start at ComfyUI while this one is being delivered.
     */
    RunOutcome run(QueuedJob job, Runnable computed);

    /** The job went to the dead-letter stream: mark it {@code failed} with {@code error} and send {@code prompt.failed}. */
    void deadLettered(QueuedJob job, String error);
}
