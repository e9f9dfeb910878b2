package org.comfyapi.server.storage;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;

/** The Content-Type an uploaded output is sent with, guessed from its name. */
final class MediaTypes {
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mov", "video/quicktime"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"), Map.entry("flac", "audio/flac"), Map.entry("ogg", "audio/ogg"),
            Map.entry("json", "application/json"), Map.entry("txt", "text/plain"));

    private MediaTypes() {}

    static String forName(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String known = KNOWN.get(ext);
        if (known != null) return known;
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed != null ? guessed : "application/octet-stream";
    }
}
