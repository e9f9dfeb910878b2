package org.comfyapi.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRetentionTest {
    private static final Path CACHE = Path.of("/tmp/cache");

    @Test
    void defaultsAreAnHourAndTenThousandJobsKeptUnderTheCache() {
        JobRetention s = JobRetention.fromEnv(new Env(Map.of()), CACHE);
        assertThat(s.retention()).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxRetained()).isEqualTo(10_000);
        assertThat(s.keptRoot()).isEqualTo(CACHE.resolve("jobs"));
    }

    @Test
    void valuesAreReadAndBadOnesNameTheirVariable() {
        JobRetention s = JobRetention.fromEnv(new Env(Map.of("JOB_RETENTION_S", "1.5", "JOB_RETENTION_MAX", "7")), CACHE);
        assertThat(s.retention()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.maxRetained()).isEqualTo(7);
        assertThatThrownBy(() -> JobRetention.fromEnv(new Env(Map.of("JOB_RETENTION_S", "soon")), CACHE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JOB_RETENTION_S");
        assertThatThrownBy(() -> JobRetention.fromEnv(new Env(Map.of("JOB_RETENTION_MAX", "-1")), CACHE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JOB_RETENTION_MAX");
    }
}
