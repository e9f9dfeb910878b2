package org.comfyapi.server.queue;

import org.comfyapi.server.config.Env;
import org.comfyapi.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueSettingsTest {
    @Test
    void unsetQueueUrlMeansNoQueueMode() {
        assertThat(QueueSettings.fromEnv(new Env(Map.of("QUEUE_NAME", "x")))).isEmpty();
        assertThat(QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", "  ")))).isEmpty();
    }

    @Test
    void defaultsFollowTheSpec() {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", "redis://redis.internal"))).orElseThrow();
        assertThat(settings.host()).isEqualTo("redis.internal");
        assertThat(settings.port()).isEqualTo(6379);
        assertThat(settings.tls()).isFalse();
        assertThat(settings.database()).isZero();
        assertThat(settings.user()).isEmpty();
        assertThat(settings.password()).isEmpty();
        assertThat(settings.name()).isEqualTo("comfyui-api");
        assertThat(settings.prefetch()).isEqualTo(1);
        assertThat(settings.claimIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxAttempts()).isEqualTo(3);
        assertThat(settings.resultsUrl()).isEmpty();
        assertThat(settings.keys().dead()).isEqualTo("comfyui-api:dead");
        assertThat(settings.keys().job("abc")).isEqualTo("comfyui-api:job:abc");
    }

    @Test
    void readsUserPasswordDatabaseAndTls() {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of(
                "QUEUE_URL", "rediss://worker:s%40cret+pw@cache.example.com:6380/2",
                "QUEUE_NAME", "video-jobs",
                "QUEUE_PREFETCH", "2",
                "QUEUE_CLAIM_IDLE_S", "5",
                "QUEUE_MAX_ATTEMPTS", "4",
                "QUEUE_RESULTS_URL", "s3://bucket/results/"))).orElseThrow();
        assertThat(settings.tls()).isTrue();
        assertThat(settings.host()).isEqualTo("cache.example.com");
        assertThat(settings.port()).isEqualTo(6380);
        assertThat(settings.database()).isEqualTo(2);
        assertThat(settings.user()).contains("worker");
        assertThat(settings.password()).contains("s@cret+pw");
        assertThat(settings.name()).isEqualTo("video-jobs");
        assertThat(settings.prefetch()).isEqualTo(2);
        assertThat(settings.claimIdle()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxAttempts()).isEqualTo(4);
        assertThat(settings.resultsUrl()).contains("s3://bucket/results/");
    }

    @Test
    void aPasswordWithoutUserIsThePassword() {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", "redis://:hunter2@localhost:7000"))).orElseThrow();
        assertThat(settings.user()).isEmpty();
        assertThat(settings.password()).contains("hunter2");
    }

    @Test
    void thePasswordNeverShowsInTextForLogs() {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", "redis://u:hunter2@localhost:7000/1"))).orElseThrow();
        assertThat(settings.redactedUrl()).isEqualTo("redis://u:***@localhost:7000/1");
        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    @Test
    void badValuesNameTheVariable() {
        assertError(Map.of("QUEUE_URL", "http://localhost:6379"), "QUEUE_URL", "redis://");
        assertError(Map.of("QUEUE_URL", "redis://"), "QUEUE_URL", "host");
        assertError(Map.of("QUEUE_URL", "redis://localhost/zero"), "QUEUE_URL", "database number");
        assertError(Map.of("QUEUE_URL", "redis://local host"), "QUEUE_URL", "not a URL");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_PREFETCH", "0"), "QUEUE_PREFETCH", "between 1");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_PREFETCH", "many"), "QUEUE_PREFETCH", "whole number");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_CLAIM_IDLE_S", "0"), "QUEUE_CLAIM_IDLE_S", "between 1");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_MAX_ATTEMPTS", "-1"), "QUEUE_MAX_ATTEMPTS", "between 1");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_NAME", "has space"), "QUEUE_NAME", "letters");
        assertError(Map.of("QUEUE_URL", "redis://localhost", "QUEUE_RESULTS_URL", "ftp://x/y"), "QUEUE_RESULTS_URL", "s3://");
    }

    private static void assertError(Map<String, String> env, String variable, String hint) {
        assertThatThrownBy(() -> QueueSettings.fromEnv(new Env(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ":")
                .hasMessageContaining(hint);
    }

}
