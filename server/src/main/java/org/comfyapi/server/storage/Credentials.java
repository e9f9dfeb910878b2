package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A request's {@code credentials}: the auth of the first entry whose pattern matches a URL. */
public record Credentials(List<Entry> entries) {
    public static final Credentials NONE = new Credentials(List.of());

    public record Entry(UrlGlob pattern, Auth auth) {}

    public Credentials {
        entries = List.copyOf(entries);
    }

    /** Parses {@code [{"url_pattern", "auth"}]}; null or missing means no credentials. */
    public static Credentials parse(JsonNode json, String location) {
        if (json == null || json.isNull() || json.isMissingNode()) return NONE;
        if (!json.isArray()) throw new BadInput("credentials must be an array", location);
        List<Entry> entries = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            String where = location + "[" + i + "]";
            JsonNode entry = json.get(i);
            if (!entry.isObject()) throw new BadInput("credentials entry must be an object", where);
            JsonNode pattern = entry.get("url_pattern");
            if (pattern == null || !pattern.isTextual() || pattern.asText().isEmpty()) {
                throw new BadInput("url_pattern must be a non-empty string", where + ".url_pattern");
            }
            entries.add(new Entry(UrlGlob.compile(pattern.asText()), Auth.parse(entry.get("auth"), where + ".auth")));
        }
        return new Credentials(entries);
    }

    public Optional<Auth> forUrl(String url) {
        for (Entry entry : entries) {
            if (entry.pattern().matches(url)) return Optional.of(entry.auth());
        }
        return Optional.empty();
    }

    public Optional<Auth> forUrl(URI url) {
        return forUrl(url.toString());
    }
}
