package org.comfyapi.server.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** METRICS_ENABLED, ACCESS_LOG and CORS_ALLOWED_ORIGINS as an operator writes them. */
class HttpSettingsTest {
    @Test
    void metricsAndAccessLogAreOnAndCorsOffByDefault() {
        HttpSettings http = Config.load(Map.of("HOME", "/home/u")).http();

        assertThat(http.metricsEnabled()).isTrue();
        assertThat(http.accessLog()).isTrue();
        assertThat(http.corsAllowedOrigins()).isEmpty();
    }

    @Test
    void readsTheSwitchesAndAListOfOrigins() {
        HttpSettings http = Config.load(Map.of("METRICS_ENABLED", "false", "ACCESS_LOG", "false",
                "CORS_ALLOWED_ORIGINS", " https://App.example.com , http://localhost:5173,")).http();

        assertThat(http.metricsEnabled()).isFalse();
        assertThat(http.accessLog()).isFalse();
        assertThat(http.corsAllowedOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(Config.load(Map.of("CORS_ALLOWED_ORIGINS", "*")).http().corsAllowedOrigins()).containsExactly("*");
    }

    @Test
    void aBadOriginNamesTheVariable() {
        for (String bad : new String[]{"app.example.com", "https://app.example.com/path", "ftp://x.example",
                "*, https://a.example", "https://user@a.example"}) {
            assertThatThrownBy(() -> Config.load(Map.of("CORS_ALLOWED_ORIGINS", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("CORS_ALLOWED_ORIGINS:");
        }
        assertThatThrownBy(() -> Config.load(Map.of("METRICS_ENABLED", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("METRICS_ENABLED");
    }
}
