package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.json.RequestFields;
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
        RequestFields fields = RequestFields.of(json, location, location);
        String type = fields.requiredText("type").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "bearer" -> new Bearer(fields.requiredText("token"));
            case "basic" -> new Basic(fields.requiredText("username"), password(fields));
            case "header" -> {
                String name = fields.requiredText("header_name");
                if (!TOKEN.matcher(name).matches()) {
                    throw new BadInput("header_name is not a valid HTTP header name", location + ".header_name");
                }
                if (FORBIDDEN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new BadInput("header_name cannot be " + name, location + ".header_name");
                }
                String value = fields.requiredText("header_value");
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new BadInput("header_value must be a single line", location + ".header_value");
                }
                yield new Header(name, value);
            }
            case "query" -> new Query(fields.requiredText("query_param"), fields.requiredText("query_value"));
            case "s3" -> new S3Keys(fields.requiredText("access_key_id"), fields.requiredText("secret_access_key"),
                    optional(fields, "session_token"), optional(fields, "region"),
                    optional(fields, "endpoint").map(endpoint -> checkEndpoint(endpoint, location + ".endpoint")));
            default -> throw new BadInput(
                    "auth type must be one of bearer, basic, header, query, s3; got \"" + type + "\"", location + ".type");
        };
    }

    private static String checkEndpoint(String endpoint, String location) {
        if (HttpUrls.parse(endpoint).isEmpty()) throw new BadInput("endpoint must be an http(s) URL", location);
        return endpoint;
    }

    /** A password may be empty, but must be there. */
    private static String password(RequestFields fields) {
        return fields.anyText("password")
                .orElseThrow(() -> new BadInput("\"password\" is required", fields.location("password")));
    }

    /** Blank counts as absent. */
    private static Optional<String> optional(RequestFields fields, String name) {
        return fields.anyText(name).filter(text -> !text.isBlank()).map(String::trim);
    }
}
