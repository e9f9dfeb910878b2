package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** When a job must be over: its {@code "timeout"} (seconds) or PROMPT_TIMEOUT_S, counted from its start. */
public record Deadline(Optional<Duration> timeout, long startedAt) {
    private static final double MAX_SECONDS = 7 * 24 * 3600;

    public static Deadline none() {
        return new Deadline(Optional.empty(), System.nanoTime());
    }

    /** From now: the body's {@code timeout}, else {@code fallback} (zero: no deadline). */
    public static Deadline start(JsonNode body, Duration fallback) {
        Optional<Duration> timeout = requested(body).or(() -> fallback.isZero() ? Optional.empty() : Optional.of(fallback));
        return new Deadline(timeout, System.nanoTime());
    }

    /** The {@code timeout} field, checked: a positive number of seconds, or absent. */
    public static Optional<Duration> requested(JsonNode body) {
        JsonNode value = body.get("timeout");
        if (value == null || value.isNull()) return Optional.empty();
        if (!value.isNumber() || value.asDouble() <= 0 || value.asDouble() > MAX_SECONDS) {
            throw new BadInput("\"timeout\" must be a number of seconds greater than 0 and at most "
                    + (long) MAX_SECONDS, "timeout");
        }
        return Optional.of(Duration.ofNanos((long) (value.asDouble() * 1e9)));
    }

    public boolean isSet() {
        return timeout.isPresent();
    }

    /** Milliseconds left (0 once passed), or {@code Long.MAX_VALUE} without a deadline. */
    public long remainingMillis() {
        if (timeout.isEmpty()) return Long.MAX_VALUE;
        long left = timeout.get().toNanos() - (System.nanoTime() - startedAt);
        return Math.max(0, left / 1_000_000);
    }

    public boolean passed() {
        return timeout.isPresent() && System.nanoTime() - startedAt >= timeout.get().toNanos();
    }

    /** "Prompt timed out after N s", N as the user wrote it. */
    public String message() {
        BigDecimal seconds = BigDecimal.valueOf(timeout.orElse(Duration.ZERO).toNanos(), 9).stripTrailingZeros();
        return "Prompt timed out after " + seconds.toPlainString() + " s";
    }
}
