package org.comfyapi.server.config;

import org.comfyapi.server.net.HttpUrls;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of environment variables. A blank value counts as unset; a bad value is a
 * {@link ConfigException} naming the variable. New settings are one line each.
 */
public final class Env {
    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Every variable, for settings that scan names (SYSTEM_META_*). */
    public Map<String, String> all() {
        return values;
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public Path path(String name, String fallback) {
        return Path.of(string(name, fallback)).toAbsolutePath().normalize();
    }

    /** A command line split on whitespace. */
    public List<String> command(String name, String fallback) {
        return Arrays.stream(string(name, fallback).split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) return fallback;
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be true or false, got \"" + value.get() + "\"");
        };
    }

    public int port(String name, int fallback) {
        return intRange(name, fallback, 0, 65535);
    }

    public int intRange(String name, int fallback, int min, int max) {
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

    public double number(String name, double fallback) {
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

    public double positiveNumber(String name, double fallback) {
        double value = number(name, fallback);
        if (value <= 0) throw new ConfigException(name, "must be greater than 0, got " + value);
        return value;
    }

    public double nonNegativeNumber(String name, double fallback) {
        double value = number(name, fallback);
        if (value < 0) throw new ConfigException(name, "must not be negative, got " + value);
        return value;
    }

    /** One of a fixed set of lower-case words. */
    public String oneOf(String name, String fallback, List<String> choices) {
        String value = string(name, fallback).toLowerCase(Locale.ROOT);
        if (!choices.contains(value)) {
            throw new ConfigException(name, "must be " + String.join(" or ", choices) + ", got \"" + value + "\"");
        }
        return value;
    }

    /** An absolute http(s) URL with a host, or empty when unset. */
    public Optional<URI> httpUrl(String name) {
        return optional(name).map(value -> httpUrl(name, value));
    }

    public static URI httpUrl(String name, String value) {
        return HttpUrls.parse(value).orElseThrow(() ->
                new ConfigException(name, "must be an http(s) URL, got \"" + value + "\""));
    }
}
