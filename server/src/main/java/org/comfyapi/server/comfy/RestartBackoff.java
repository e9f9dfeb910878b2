package org.comfyapi.server.comfy;

import java.time.Duration;

/** Delays between restarts of ComfyUI: 1 s, doubling to 30 s, back to 1 s once a launch has run a while. */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofSeconds(60);

    private Duration next = FIRST;

    /** The delay before the next restart. */
    synchronized Duration next() {
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return delay;
    }

    /** ComfyUI exited after running for {@code uptime}: a long run earns a quick restart again. */
    synchronized void exitedAfter(Duration uptime) {
        if (uptime.compareTo(STABLE) >= 0) next = FIRST;
    }
}
