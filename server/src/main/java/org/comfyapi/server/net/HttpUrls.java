package org.comfyapi.server.net;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** The one check for "an absolute http(s) URL with a host", wherever a user or operator gives one. */
public final class HttpUrls {
    private HttpUrls() {
    }

    /** The URL, or empty when the text is not an http(s) URL with a host. */
    public static Optional<URI> parse(String text) {
        if (text == null) return Optional.empty();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) return Optional.empty();
            return Optional.of(uri);
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
