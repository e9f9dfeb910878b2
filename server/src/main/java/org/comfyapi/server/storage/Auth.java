package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.net.HttpUrls;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to authenticate one remote request, as the user gave it in {@code credentials[].auth} or
 * {@code POST /download}'s {@code auth}. {@code toString()} never prints a secret.
 */
public sealed interface Auth {

    record Bearer(String token) implements Auth {
        @Override public String toString() { return "Bearer[token=***]"; }
    }

    record Basic(String username, String password) implements Auth {
        @Override public String toString() { return "Basic[username=" + username + ", password=***]"; }
    }

    record Header(String name, String value) implements Auth {
        @Override public String toString() { return "Header[name=" + name + ", value=***]"; }
    }

    record Query(String param, String value) implements Auth {
        @Override public String toString() { return "Query[param=" + param + ", value=***]"; }
    }

    /** S3 keys, optionally with their own region and S3-compatible endpoint. */
    record S3Keys(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
                  Optional<String> region, Optional<String> endpoint) implements Auth {
        @Override public String toString() {
            return "S3Keys[accessKeyId=***, secretAccessKey=***, sessionToken=" + (sessionToken.isPresent() ? "***" : "none")
                    + ", region=" + region.orElse("default") + ", endpoint=" + endpoint.orElse("default") + "]";
        }
    }

    Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the JDK HTTP client refuses to set, or that would break the request. */
    Set<String> FORBIDDEN_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

    /**
     * Parses one auth object. Its {@code type} field picks the kind; a missing or mistyped field is
     * a 400 naming it, e.g. {@code credentials[0].auth.token}.
     */
    static Auth parse(JsonNode json, String location) {
        if (json == null || !json.isObject()) throw new BadInput("auth must be an object", location);
        String type = text(json, "type", location).toLowerCase(Locale.ROOT);
        return switch (type) {
            case "bearer" -> new Bearer(text(json, "token", location));
            case "basic" -> new Basic(text(json, "username", location), textAllowEmpty(json, "password", location));
            case "header" -> {
                String name = text(json, "header_name", location);
                if (!TOKEN.matcher(name).matches()) {
                    throw new BadInput("header_name is not a valid HTTP header name", location + ".header_name");
                }
                if (FORBIDDEN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new BadInput("header_name cannot be " + name, location + ".header_name");
                }
                String value = text(json, "header_value", location);
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new BadInput("header_value must be a single line", location + ".header_value");
                }
                yield new Header(name, value);
            }
            case "query" -> new Query(text(json, "query_param", location), text(json, "query_value", location));
            case "s3" -> new S3Keys(text(json, "access_key_id", location), text(json, "secret_access_key", location),
                    optionalText(json, "session_token", location), optionalText(json, "region", location),
                    optionalText(json, "endpoint", location).map(endpoint -> checkEndpoint(endpoint, location + ".endpoint")));
            default -> throw new BadInput(
                    "auth type must be one of bearer, basic, header, query, s3; got \"" + type + "\"", location + ".type");
        };
    }

    private static String checkEndpoint(String endpoint, String location) {
        if (HttpUrls.parse(endpoint).isEmpty()) throw new BadInput("endpoint must be an http(s) URL", location);
        return endpoint;
    }

    private static String text(JsonNode json, String field, String location) {
        String value = textAllowEmpty(json, field, location);
        if (value.isEmpty()) throw new BadInput(field + " must not be empty", location + "." + field);
        return value;
    }

    private static String textAllowEmpty(JsonNode json, String field, String location) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) throw new BadInput(field + " is required", location + "." + field);
        if (!value.isTextual()) throw new BadInput(field + " must be a string", location + "." + field);
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode json, String field, String location) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) return Optional.empty();
        if (!value.isTextual()) throw new BadInput(field + " must be a string", location + "." + field);
        return value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText().trim());
    }
}
