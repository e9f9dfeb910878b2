package org.comfyapi.server.job;

/** Stops a job's work at ComfyUI: the prompt layer implements it; the registry calls it on DELETE. */
@FunctionalInterface
public interface JobCanceller {
    /** Nothing is running anywhere: the registry ends the job itself. */
    JobCanceller NONE = id -> false;

    /**
     * Removes the job's prompt from ComfyUI's queue or interrupts it. Returns false when there is no
     * prompt at ComfyUI to stop (the job has not reached it yet, or is gone), so the registry ends it.
     * When it returns true, the job's own run ends it (interrupted) soon after.
     */
    boolean cancel(String id);

    /**
     * {@link #cancel} found nothing to stop here and the registry has ended the job: whoever else may be
     * running it (another instance of a fleet) is told to stop. Nothing to tell on a single instance.
     */
    default void cancelElsewhere(String id) {
    }
}
