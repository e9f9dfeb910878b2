package org.comfyapi.server.comfy;

import java.time.Duration;

/** Whether ComfyUI answers HTTP and our websocket to it is up, asked at most once a second. */
final class ComfyHealth {
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final ComfyClient client;
    private final ComfyEvents events;
    private boolean checked;
    private long checkedAt;
    private boolean answering;

    ComfyHealth(ComfyClient client, ComfyEvents events) {
        this.client = client;
        this.events = events;
    }

    synchronized boolean answering() {
        long now = System.nanoTime();
        if (checked && now - checkedAt < MAX_AGE.toNanos()) return answering;
        answering = events.isConnected() && client.isUp();
        checked = true;
        checkedAt = System.nanoTime();
        return answering;
    }

    /** A call to ComfyUI just failed: the next question asks it again. */
    synchronized void forget() {
        checked = false;
    }
}
