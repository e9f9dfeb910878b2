package org.comfyapi.server.job;

import java.util.Locale;
import java.util.Optional;

/** Where a job is in its life. The last four are final: nothing changes a job after them. */
public enum JobStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, INTERRUPTED, TIMED_OUT;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The name in JSON bodies and SSE event names ({@code timed_out}). */
    public String wire() {
        return wire;
    }

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }

    public static Optional<JobStatus> fromWire(String name) {
        for (JobStatus s : values()) if (s.wire.equals(name)) return Optional.of(s);
        return Optional.empty();
    }
}
