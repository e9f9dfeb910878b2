package org.comfyapi.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Prompt webhooks (retries, signing) and the system webhook (URL, events, metadata). */
public record WebhookSettings(
        int retries,
        Duration retryDelay,
        Optional<String> secret,
        Optional<URI> systemUrl,
        Set<String> systemEvents,
        Map<String, String> systemMetadata) {

    static WebhookSettings fromEnv(Env env) {
        return new WebhookSettings(
                env.intRange("PROMPT_WEBHOOK_RETRIES", 3, 0, 100),
                Duration.ofMillis(env.intRange("WEBHOOK_RETRY_DELAY_MS", 1000, 0, 600_000)),
                env.optional("WEBHOOK_SECRET"),
                env.httpUrl("SYSTEM_WEBHOOK_URL"),
                events(env),
                metadata(env));
    }

    @Override
    public String toString() {
        return "WebhookSettings[retries=" + retries + ", retryDelay=" + retryDelay + ", secret="
                + (secret.isPresent() ? "set" : "none") + ", systemUrl=" + systemUrl.isPresent()
                + ", systemEvents=" + systemEvents + "]";
    }

    private static Set<String> events(Env env) {
        Set<String> events = new LinkedHashSet<>();
        env.optional("SYSTEM_WEBHOOK_EVENTS").ifPresent(v -> {
            for (String e : v.split(",")) if (!e.isBlank()) events.add(e.trim());
        });
        return events;
    }

    private static Map<String, String> metadata(Env env) {
        Map<String, String> meta = new LinkedHashMap<>();
        env.all().keySet().stream().sorted().forEach(key -> {
            if (key.startsWith("SYSTEM_META_") && key.length() > "SYSTEM_META_".length()) {
                meta.put(key.substring("SYSTEM_META_".length()), env.all().get(key));
            } else if (key.startsWith("SALAD_") && !key.equals("SALAD_METADATA_URL")) {
                meta.put(key.toLowerCase(Locale.ROOT), env.all().get(key));
            }
        });
        return meta;
    }
}
