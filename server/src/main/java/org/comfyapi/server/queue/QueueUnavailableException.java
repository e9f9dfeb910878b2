package org.comfyapi.server.queue;

/** Redis cannot be reached, so an asynchronous job cannot be queued now (503 with Retry-After). */
public final class QueueUnavailableException extends RuntimeException {
    public static final int RETRY_AFTER_SECONDS = 5;

    public QueueUnavailableException(Throwable cause) {
        super("The job queue is unavailable (Redis cannot be reached); try again shortly", cause);
    }

    public int retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }

    public String location() {
        return "queue";
    }
}
