package org.comfyapi.server.storage;

/** An upload that failed or was superseded; the message holds no secret. */
public class UploadException extends Exception {
    private final boolean superseded;

    public UploadException(String message) {
        this(message, null, false);
    }

    public UploadException(String message, Throwable cause) {
        this(message, cause, false);
    }

    UploadException(String message, Throwable cause, boolean superseded) {
        super(message, cause, false, true);
        this.superseded = superseded;
    }

    /** True when a newer upload to the same URL aborted this one. */
    public boolean superseded() {
        return superseded;
    }
}
