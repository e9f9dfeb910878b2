package org.comfyapi.server.queue;

import java.time.Duration;

/** Reconnect delays: 1 s, doubling, at most 30 s; back to 1 s after a success. */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private Duration next = FIRST;

    Duration next() {
        Duration current = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return current;
    }

    void reset() {
        next = FIRST;
    }
}
