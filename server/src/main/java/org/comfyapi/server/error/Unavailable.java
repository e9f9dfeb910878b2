package org.comfyapi.server.error;

import java.time.Duration;
import java.util.Optional;

/** The server cannot take this now (still loading, or the load failed); {@code retryAfter} when known. */
public final class Unavailable extends RequestError {
    private final Optional<Duration> retryAfter;

    public Unavailable(String message, String location) {
        this(message, location, Optional.empty());
    }

    public Unavailable(String message, String location, Optional<Duration> retryAfter) {
        super(message, location, null);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
