package org.comfyapi.server.error;

/** The request collides with work in flight (a job id that is still queued or running). */
public final class Conflict extends RequestError {
    public Conflict(String message, String location) {
        super(message, location, null);
    }
}
