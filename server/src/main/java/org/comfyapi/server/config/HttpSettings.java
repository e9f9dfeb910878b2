package org.comfyapi.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The API's listener, request limits, docs, readiness, and what it tells operators: /metrics, the access
 * log, and the browser origins allowed to call it (none: CORS off; {@code *}: any).
 */
public record HttpSettings(String host, int port, long maxBodySizeBytes, boolean markdownSchemaDescriptions,
                           int maxQueueDepth, long maxStringInputBytes, boolean metricsEnabled,
                           boolean accessLog, List<String> corsAllowedOrigins) {

    static HttpSettings fromEnv(Env env) {
        return new HttpSettings(
                env.string("HOST", "::"),
                env.port("PORT", 3000),
                (long) (env.positiveNumber("MAX_BODY_SIZE_MB", 100) * 1024 * 1024),
                env.bool("MARKDOWN_SCHEMA_DESCRIPTIONS", true),
                env.intRange("MAX_QUEUE_DEPTH", 0, 0, Integer.MAX_VALUE),
                (long) (env.positiveNumber("MAX_STRING_INPUT_KB", 1024) * 1024),
                env.bool("METRICS_ENABLED", true),
                env.bool("ACCESS_LOG", true),
                origins(env.string("CORS_ALLOWED_ORIGINS", "")));
    }

    /** A comma list of origins ({@code scheme://host[:port]}) or {@code *}. */
    static List<String> origins(String value) {
        List<String> origins = new ArrayList<>();
        for (String part : value.split(",")) {
            String origin = part.strip();
            if (origin.isEmpty()) continue;
            if (!origin.equals("*") && !isOrigin(origin)) {
                throw new ConfigException("CORS_ALLOWED_ORIGINS", "each entry must be * or an origin like "
                        + "https://example.com[:port], got \"" + origin + "\"");
            }
            origins.add(origin.equals("*") ? origin : origin.toLowerCase(Locale.ROOT));
        }
        if (origins.contains("*") && origins.size() > 1) {
            throw new ConfigException("CORS_ALLOWED_ORIGINS", "* allows every origin; list no others with it");
        }
        return List.copyOf(origins);
    }

    private static boolean isOrigin(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
