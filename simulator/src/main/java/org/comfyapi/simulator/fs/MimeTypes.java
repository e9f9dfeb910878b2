package org.comfyapi.simulator.fs;

import java.util.Locale;
import java.util.Map;

/** The subset of Python's mimetypes.guess_type table that matters for ComfyUI files. */
public final class MimeTypes {
    private MimeTypes() {
    }

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry(".png", "image/png"), Map.entry(".jpg", "image/jpeg"), Map.entry(".jpeg", "image/jpeg"),
            Map.entry(".jpe", "image/jpeg"), Map.entry(".gif", "image/gif"), Map.entry(".bmp", "image/bmp"),
            Map.entry(".webp", "image/webp"), Map.entry(".tif", "image/tiff"), Map.entry(".tiff", "image/tiff"),
            Map.entry(".ico", "image/vnd.microsoft.icon"), Map.entry(".svg", "image/svg+xml"),
            Map.entry(".ppm", "image/x-portable-pixmap"), Map.entry(".pgm", "image/x-portable-graymap"),
            Map.entry(".pbm", "image/x-portable-bitmap"), Map.entry(".pnm", "image/x-portable-anymap"),
            Map.entry(".avif", "image/avif"), Map.entry(".heic", "image/heic"),
            Map.entry(".mp4", "video/mp4"), Map.entry(".webm", "video/webm"), Map.entry(".mov", "video/quicktime"),
            Map.entry(".mkv", "video/x-matroska"), Map.entry(".avi", "video/x-msvideo"),
            Map.entry(".wav", "audio/x-wav"), Map.entry(".mp3", "audio/mpeg"), Map.entry(".flac", "audio/flac"),
            Map.entry(".ogg", "audio/ogg"), Map.entry(".opus", "audio/ogg"), Map.entry(".m4a", "audio/mp4"),
            Map.entry(".json", "application/json"), Map.entry(".txt", "text/plain"), Map.entry(".html", "text/html"),
            Map.entry(".htm", "text/html"), Map.entry(".js", "text/javascript"), Map.entry(".mjs", "text/javascript"),
            Map.entry(".css", "text/css"), Map.entry(".xhtml", "application/xhtml+xml"), Map.entry(".xml", "text/xml"),
            Map.entry(".pdf", "application/pdf"), Map.entry(".zip", "application/zip"), Map.entry(".glb", "model/gltf-binary"),
            Map.entry(".gltf", "model/gltf+json"), Map.entry(".obj", "model/obj"), Map.entry(".fbx", "model/fbx"));

    /** mimetypes.guess_type(name)[0], or null. */
    public static String guess(String filename) {
        int dot = filename.lastIndexOf('.');
        if (dot < 0) return null;
        String ext = filename.substring(dot);
        String t = TYPES.get(ext);
        return t != null ? t : TYPES.get(ext.toLowerCase(Locale.ROOT));
    }

    public static boolean isImage(String filename) {
        String ext = filename.substring(filename.lastIndexOf('.') + 1);
        if (ext.equals("webp")) return true;
        String t = guess(filename);
        return t != null && t.startsWith("image/");
    }
}
