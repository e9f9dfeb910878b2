package org.comfyapi.server.config;

/** The API's listener, request limits, docs and readiness. */
public record HttpSettings(String host, int port, long maxBodySizeBytes, boolean markdownSchemaDescriptions,
                           int maxQueueDepth) {

    static HttpSettings fromEnv(Env env) {
        return new HttpSettings(
                env.string("HOST", "::"),
                env.port("PORT", 3000),
                (long) (env.positiveNumber("MAX_BODY_SIZE_MB", 100) * 1024 * 1024),
                env.bool("MARKDOWN_SCHEMA_DESCRIPTIONS", true),
                env.intRange("MAX_QUEUE_DEPTH", 0, 0, Integer.MAX_VALUE));
    }
}
