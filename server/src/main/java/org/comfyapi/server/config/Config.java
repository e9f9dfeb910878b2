package org.comfyapi.server.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the server reads from its environment, parsed and checked once at start, grouped by
 * the component that uses it. Storage reads its own group ({@code StorageSettings}) with the same {@link Env}.
 *
 * @param prependFilenames {@code PREPEND_FILENAMES}: output file names start with the request id
 * @param lruCacheSizeGb   {@code LRU_CACHE_SIZE_GB}: the download cache's size; 0 keeps every file
 */
public record Config(
        ComfySettings comfy,
        Directories dirs,
        HttpSettings http,
        WebhookSettings webhooks,
        LogSettings log,
        WarmupSettings warmup,
        SaladSettings salad,
        JobSettings jobs,
        Manifest manifest,
        JobRetention retention,
        boolean prependFilenames,
        double lruCacheSizeGb) {

    public static final String VERSION = "0.1.0";

    /** Reads every variable; the first bad one is a {@link ConfigException} naming it. */
    public static Config load(Map<String, String> variables) {
        Env env = new Env(variables);
        Path comfyHome = env.path("COMFY_HOME", "/opt/ComfyUI");
        Directories dirs = Directories.fromEnv(env, comfyHome);
        return new Config(
                ComfySettings.fromEnv(env, comfyHome),
                dirs,
                HttpSettings.fromEnv(env),
                WebhookSettings.fromEnv(env),
                LogSettings.fromEnv(env),
                WarmupSettings.fromEnv(env),
                SaladSettings.fromEnv(env),
                JobSettings.fromEnv(env),
                Manifest.fromEnv(variables).orElseGet(Manifest::empty),
                JobRetention.fromEnv(env, dirs.cache()),
                env.bool("PREPEND_FILENAMES", true),
                env.nonNegativeNumber("LRU_CACHE_SIZE_GB", 0));
    }
}
