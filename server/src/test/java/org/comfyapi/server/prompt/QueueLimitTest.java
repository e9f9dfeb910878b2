package org.comfyapi.server.prompt;

import org.comfyapi.server.error.Unavailable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QueueLimitTest {

    @Test
    void aFullQueueIsA503WhoseRetryAfterComesFromRecentDurations() {
        AtomicInteger depth = new AtomicInteger(2);
        QueueLimit limit = new QueueLimit(1, true, depth::get);
        limit.ran(4_000);
        limit.ran(6_000);

        Unavailable full = catchThrowableOfType(Unavailable.class, limit::check);

        assertThat(full.location()).isEqualTo("queue");
        assertThat(full.getMessage()).contains("MAX_QUEUE_DEPTH 1");
        assertThat(full.retryAfter()).as("two prompts of 5 s on average before a place frees")
                .contains(Duration.ofSeconds(10));
        depth.set(0);
        assertThatCode(limit::check).doesNotThrowAnyException();
    }

    @Test
    void acceptingOrNoLimitNeverRejects() {
        assertThatCode(new QueueLimit(1, false, () -> 50)::check).doesNotThrowAnyException();
        assertThatCode(new QueueLimit(0, true, () -> 50)::check).doesNotThrowAnyException();
        assertThatCode(new QueueLimit(1, true, () -> {
            throw new IllegalStateException("ComfyUI unreachable");
        })::check).as("unreachable is decided later, not a full queue").doesNotThrowAnyException();
    }
}
