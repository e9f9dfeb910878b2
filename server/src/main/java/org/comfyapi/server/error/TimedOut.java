package org.comfyapi.server.error;

/** The job ran past its deadline ({@code timeout} or PROMPT_TIMEOUT_S) and was stopped. */
public final class TimedOut extends RequestError {
    public TimedOut(String message) {
        super(message, "timeout", null);
    }
}
