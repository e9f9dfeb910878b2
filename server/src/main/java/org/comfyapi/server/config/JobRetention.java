package org.comfyapi.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Finished jobs: how long they are kept, how many, and where async outputs wait for download.
 *
 * @param retention   how long a finished job is kept ({@code JOB_RETENTION_S}, default 3600)
 * @param maxRetained most finished jobs kept, oldest out first ({@code JOB_RETENTION_MAX}, default 10000)
 * @param keptRoot    where async outputs are kept, one folder per job ({@code CACHE_DIR/jobs})
 */
public record JobRetention(Duration retention, int maxRetained, Path keptRoot) {
    /** Events a subscriber may have unread before progress is skipped (half) or it is dropped (all). */
    public static final int SUBSCRIBER_CAPACITY = 256;

    public static JobRetention defaults(Path cacheDir) {
        return new JobRetention(Duration.ofSeconds(3600), 10_000, cacheDir.resolve("jobs"));
    }

    /** {@code JOB_RETENTION_S} (seconds, may be fractional) and {@code JOB_RETENTION_MAX}; a bad value names its variable. */
    static JobRetention fromEnv(Env env, Path cacheDir) {
        double seconds = env.nonNegativeNumber("JOB_RETENTION_S", 3600);
        return new JobRetention(Duration.ofMillis((long) (seconds * 1000)),
                env.intRange("JOB_RETENTION_MAX", 10_000, 0, 10_000_000), cacheDir.resolve("jobs"));
    }
}
