package org.comfyapi.server.queue;

/** How running a queued job ended, as far as the queue is concerned. */
public sealed interface RunOutcome {
    /** The job reached a final status and was delivered (a failure delivered as a failure counts). Acknowledged. */
    record Delivered() implements RunOutcome {}

    /**
     * The job could not be finished here (ComfyUI died under it, shutdown cut it short). Left
     * unacknowledged: once its lease expires, some instance claims it and tries again.
     */
    record Unfinished(String error) implements RunOutcome {}

    /** The entry is not a job that can run (its request is invalid): it goes to the dead letters at once. */
    record Rejected(String reason) implements RunOutcome {}

    static RunOutcome delivered() {
        return new Delivered();
    }

    static RunOutcome unfinished(String error) {
        return new Unfinished(error);
    }

    static RunOutcome rejected(String reason) {
        return new Rejected(reason);
    }
}
