package org.comfyapi.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.log.Log;

import org.comfyapi.server.storage.StorageSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@link Config} from environment variables, with the Node server's names and defaults. */
public final class ConfigLoader {
    public static final String VERSION = "0.1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;

    private ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public static Config load(Map<String, String> env) {
        return new ConfigLoader(env).load();
    }

    private Config load() {
        Path comfyHome = path("COMFY_HOME", "/opt/ComfyUI");
        Optional<String> warmupFile = optional("WARMUP_PROMPT_FILE");
        Optional<String> warmupUrl = optional("WARMUP_PROMPT_URL");
        if (warmupFile.isPresent() && warmupUrl.isPresent()) {
            throw new ConfigException("WARMUP_PROMPT_URL", "set only one of WARMUP_PROMPT_FILE and WARMUP_PROMPT_URL");
        }
        warmupUrl.ifPresent(url -> httpUri("WARMUP_PROMPT_URL", url));
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new Config(
                bool("ALWAYS_RESTART_COMFYUI", false),
                env.getOrDefault("BASE", "ai-dock"),
                command("CMD", "init.sh"),
                comfyHome,
                port("COMFYUI_PORT_HOST", 8188),
                nonBlank("DIRECT_ADDRESS", "127.0.0.1"),
                nonBlank("HOST", "::"),
                port("PORT", 3000),
                path("INPUT_DIR", comfyHome.resolve("input").toString()),
                path("OUTPUT_DIR", comfyHome.resolve("output").toString()),
                path("MODEL_DIR", comfyHome.resolve("models").toString()),
                path("WORKFLOW_DIR", "/workflows"),
                path("CACHE_DIR", Path.of(home, ".cache", "comfyui-api").toString()),
                logLevel(),
                logJson(),
                bool("MARKDOWN_SCHEMA_DESCRIPTIONS", true),
                (long) (positiveNumber("MAX_BODY_SIZE_MB", 100) * 1024 * 1024),
                intRange("MAX_QUEUE_DEPTH", 0, 0, Integer.MAX_VALUE),
                intRange("PROMPT_WEBHOOK_RETRIES", 3, 0, 100),
                Duration.ofMillis(intRange("WEBHOOK_RETRY_DELAY_MS", 1000, 0, 600_000)),
                Duration.ofMillis((long) (positiveNumber("STARTUP_CHECK_INTERVAL_S", 1) * 1000)),
                intRange("STARTUP_CHECK_MAX_TRIES", 10, 1, Integer.MAX_VALUE),
                Duration.ofMillis((long) (nonNegativeNumber("COMFY_UNAVAILABLE_WAIT_S", 10) * 1000)),
                bool("PREPEND_FILENAMES", true),
                warmupFile.map(this::readWarmupFile),
                warmupFile.or(() -> warmupUrl),
                optional("SYSTEM_WEBHOOK_URL").map(url -> httpUri("SYSTEM_WEBHOOK_URL", url)),
                events(),
                systemMetadata(),
                optional("WEBHOOK_SECRET"),
                nonNegativeNumber("LRU_CACHE_SIZE_GB", 0),
                onSalad() ? Optional.of(httpUri("SALAD_METADATA_URL", nonBlank("SALAD_METADATA_URL",
                        "http://169.254.169.254"))) : Optional.empty(),
                VERSION,
                StorageSettings.fromEnv(env),
                Manifest.fromEnv(env).orElseGet(Manifest::empty));
    }

    private Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private String nonBlank(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    private Path path(String name, String fallback) {
        return Path.of(nonBlank(name, fallback)).toAbsolutePath().normalize();
    }

    private List<String> command(String name, String fallback) {
        String value = nonBlank(name, fallback);
        return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private boolean bool(String name, boolean fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) return fallback;
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be true or false, got \"" + value.get() + "\"");
        };
    }

    private int port(String name, int fallback) {
        return intRange(name, fallback, 0, 65535);
    }

    private int intRange(String name, int fallback, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) return fallback;
        int parsed;
        try {
            parsed = Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number, got \"" + value.get() + "\"");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private double number(String name, double fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) return fallback;
        try {
            double parsed = Double.parseDouble(value.get());
            if (Double.isNaN(parsed) || Double.isInfinite(parsed)) throw new NumberFormatException();
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a number, got \"" + value.get() + "\"");
        }
    }

    private double positiveNumber(String name, double fallback) {
        double value = number(name, fallback);
        if (value <= 0) throw new ConfigException(name, "must be greater than 0, got " + value);
        return value;
    }

    private double nonNegativeNumber(String name, double fallback) {
        double value = number(name, fallback);
        if (value < 0) throw new ConfigException(name, "must not be negative, got " + value);
        return value;
    }

    private Log.Level logLevel() {
        String value = nonBlank("LOG_LEVEL", "info");
        try {
            return Log.parseLevel(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LOG_LEVEL",
                    "must be one of trace, debug, info, warn, error, fatal, got \"" + value + "\"");
        }
    }

    private boolean logJson() {
        String value = nonBlank("LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new ConfigException("LOG_FORMAT", "must be text or json, got \"" + value + "\"");
        };
    }

    private static URI httpUri(String name, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, "must be an http(s) URL, got \"" + value + "\"");
        }
    }

    private ObjectNode readWarmupFile(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("WARMUP_PROMPT_FILE", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return parseWarmup("WARMUP_PROMPT_FILE", text);
    }

    /** A warmup prompt is an API-format graph, or a /prompt body with the graph under "prompt". */
    public static ObjectNode parseWarmup(String variable, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(variable, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node != null && node.path("prompt").isObject()) node = node.get("prompt");
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new ConfigException(variable, "must hold an API-format prompt object");
        }
        for (var entry : node.properties()) {
            if (!entry.getValue().path("class_type").isTextual()) {
                throw new ConfigException(variable, "node \"" + entry.getKey() + "\" has no class_type");
            }
        }
        return (ObjectNode) node;
    }

    private boolean onSalad() {
        return optional("SALAD_MACHINE_ID").isPresent() || optional("SALAD_CONTAINER_GROUP_ID").isPresent();
    }

    private Set<String> events() {
        Set<String> events = new LinkedHashSet<>();
        optional("SYSTEM_WEBHOOK_EVENTS").ifPresent(v -> {
            for (String e : v.split(",")) if (!e.isBlank()) events.add(e.trim());
        });
        return events;
    }

    private Map<String, String> systemMetadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        env.keySet().stream().sorted().forEach(key -> {
            if (key.startsWith("SYSTEM_META_") && key.length() > "SYSTEM_META_".length()) {
                meta.put(key.substring("SYSTEM_META_".length()), env.get(key));
            } else if (key.startsWith("SALAD_") && !key.equals("SALAD_METADATA_URL")) {
                meta.put(key.toLowerCase(Locale.ROOT), env.get(key));
            }
        });
        return meta;
    }
}
