package org.comfyapi.server.comfy;

import java.time.Duration;

/** Whether ComfyUI answers HTTP, asked at most once a second. */
final class ComfyHealth {
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final ComfyClient client;
    private boolean checked;
    private long checkedAt;
    private boolean answering;

    ComfyHealth(ComfyClient client) {
        this.client = client;
    }

    synchronized boolean answering() {
        long now = System.nanoTime();
        if (checked && now - checkedAt < MAX_AGE.toNanos()) return answering;
        answering = client.isUp();
        checked = true;
        checkedAt = System.nanoTime();
        return answering;
    }

    /** A call to ComfyUI just failed: the next question asks it again. */
    synchronized void forget() {
        checked = false;
    }
}
