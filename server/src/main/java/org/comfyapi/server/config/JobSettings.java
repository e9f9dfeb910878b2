package org.comfyapi.server.config;

import java.time.Duration;
import java.util.List;

/**
 * How long jobs may take and what happens to them under pressure and at shutdown.
 *
 * @param promptTimeout  {@code PROMPT_TIMEOUT_S}: the default deadline of a job; zero means none
 * @param interruptGrace {@code INTERRUPT_GRACE_S}: how long ComfyUI may take to stop an interrupted prompt
 * @param rejectWhenFull {@code QUEUE_FULL=reject}: new jobs get 503 while the queue is at MAX_QUEUE_DEPTH
 * @param shutdownGrace  {@code SHUTDOWN_GRACE_S}: how long jobs in flight may finish after SIGTERM
 */
public record JobSettings(Duration promptTimeout, Duration interruptGrace, boolean rejectWhenFull,
                          Duration shutdownGrace) {

    static JobSettings fromEnv(Env env) {
        return new JobSettings(
                seconds(env.nonNegativeNumber("PROMPT_TIMEOUT_S", 0)),
                seconds(env.nonNegativeNumber("INTERRUPT_GRACE_S", 30)),
                env.oneOf("QUEUE_FULL", "accept", List.of("accept", "reject")).equals("reject"),
                seconds(env.nonNegativeNumber("SHUTDOWN_GRACE_S", 25)));
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis((long) (value * 1000));
    }
}
