package org.comfyapi.server.comfy;

/** ComfyUI is down or restarting and did not come back within the wait; the caller may try again later. */
public final class ComfyRestartingException extends RuntimeException {
    private final long retryAfterSeconds;

    public ComfyRestartingException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
