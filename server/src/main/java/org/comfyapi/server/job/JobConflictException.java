package org.comfyapi.server.job;

/** A request named a job id that is still queued or running (answered 409, location {@code id}). */
public final class JobConflictException extends RuntimeException {
    private final String id;

    public JobConflictException(String id, JobStatus status) {
        super("A job with id \"" + id + "\" is already " + status.wire());
        this.id = id;
    }

    public String id() {
        return id;
    }

    public String location() {
        return "id";
    }
}
