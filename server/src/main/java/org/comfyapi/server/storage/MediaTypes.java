package org.comfyapi.server.storage;

import java.util.Locale;
import java.util.Map;
import java.net.URLConnection;

/** File types from content types and from the first bytes of a file. */
public final class MediaTypes {
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"), Map.entry("image/webp", "webp"),
            Map.entry("image/gif", "gif"), Map.entry("image/bmp", "bmp"), Map.entry("image/tiff", "tiff"),
            Map.entry("video/mp4", "mp4"), Map.entry("video/webm", "webm"), Map.entry("video/quicktime", "mov"),
            Map.entry("video/x-matroska", "mkv"), Map.entry("audio/wav", "wav"), Map.entry("audio/x-wav", "wav"),
            Map.entry("audio/wave", "wav"), Map.entry("audio/mpeg", "mp3"), Map.entry("audio/flac", "flac"),
            Map.entry("audio/ogg", "ogg"), Map.entry("application/json", "json"),
            Map.entry("application/x-yaml", "yaml"), Map.entry("text/plain", "txt"));

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mov", "video/quicktime"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"), Map.entry("flac", "audio/flac"), Map.entry("ogg", "audio/ogg"),
            Map.entry("json", "application/json"), Map.entry("txt", "text/plain"));

    private MediaTypes() {
    }

    /** The Content-Type an uploaded output is sent with, guessed from its name. */
    public static String forName(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String known = CONTENT_TYPES.get(ext);
        if (known != null) return known;
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed != null ? guessed : "application/octet-stream";
    }

    /** "image/png; charset=x" gives "png"; an unknown type gives "". */
    public static String extensionFor(String contentType) {
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return EXTENSIONS.getOrDefault(type, "");
    }

    /** The extension that the magic bytes at the start of a file imply, or "" when they are unknown. */
    public static String sniff(byte[] head) {
        if (startsWith(head, 0, 0x89, 'P', 'N', 'G')) return "png";
        if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) return "jpg";
        if (startsWith(head, 0, 'G', 'I', 'F', '8')) return "gif";
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) return "webp";
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'A', 'V', 'E')) return "wav";
        if (startsWith(head, 0, 'B', 'M')) return "bmp";
        if (startsWith(head, 4, 'f', 't', 'y', 'p')) {
            return startsWith(head, 8, 'q', 't') ? "mov" : "mp4";
        }
        if (startsWith(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) return "webm";
        if (startsWith(head, 0, 'f', 'L', 'a', 'C')) return "flac";
        if (startsWith(head, 0, 'O', 'g', 'g', 'S')) return "ogg";
        if (startsWith(head, 0, 'I', 'D', '3') || startsWith(head, 0, 0xFF, 0xFB)) return "mp3";
        if (startsWith(head, 0, 'I', 'I', '*', 0) || startsWith(head, 0, 'M', 'M', 0, '*')) return "tiff";
        return "";
    }

    private static boolean startsWith(byte[] data, int offset, int... expected) {
        if (data.length < offset + expected.length) return false;
        for (int i = 0; i < expected.length; i++) {
            if ((data[offset + i] & 0xFF) != expected[i]) return false;
        }
        return true;
    }
}
