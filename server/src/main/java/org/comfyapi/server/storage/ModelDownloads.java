package org.comfyapi.server.storage;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Model files fetched into {@code MODEL_DIR/<model_type>/<filename>}, for {@code POST /download} and the manifest. */
public final class ModelDownloads {
    private static final Log LOG = Log.get("storage.models");
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9._-]+");

    /** A model file that is in place. */
    public record Done(Path path, long size, long millis) {
    }

    private final Path modelDir;
    private final CachedDownloads downloads;
    private final Supplier<Set<String>> knownFolders;

    /** @param knownFolders ComfyUI's model folders (its {@code /models}); the folders under MODEL_DIR count too */
    public ModelDownloads(Path modelDir, CachedDownloads downloads, Supplier<Set<String>> knownFolders) {
        this.modelDir = modelDir;
        this.downloads = downloads;
        this.knownFolders = knownFolders;
    }

    /** Whether {@code modelType} names a model folder ComfyUI knows or MODEL_DIR has. */
    public boolean isModelType(String modelType) {
        if (!FOLDER.matcher(modelType).matches() || modelType.startsWith(".")) return false;
        if (Files.isDirectory(modelDir.resolve(modelType))) return true;
        try {
            return knownFolders.get().contains(modelType);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The file name a download of {@code url} gets when the user names none: the URL's last path segment. */
    public static Optional<String> nameFromUrl(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String last = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        return isPlainName(last) ? Optional.of(last) : Optional.empty();
    }

    /** A file name with no path in it: no separators, no {@code ..}, not absolute, not hidden. */
    public static boolean isPlainName(String name) {
        return !name.isBlank() && !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
                && !name.contains("..") && name.indexOf('\0') < 0;
    }

    /**
     * Fetches {@code url} (through the cache) into the model folder under {@code filename}, or under the
     * cached file's name when the URL names no file.
     */
    public Done fetch(URI url, String modelType, Optional<String> filename, Optional<Auth> auth) throws IOException {
        Path folder = modelDir.resolve(modelType);
        String name = filename.or(() -> nameFromUrl(url)).orElse(null);
        long started = System.currentTimeMillis();
        DownloadCache.Entry entry = name == null ? downloads.get(url, auth) : downloads.into(url, auth, folder.resolve(name));
        if (name == null) {
            name = entry.path().getFileName().toString();
            DownloadCache.link(entry.path(), folder.resolve(name));
        }
        Path target = folder.resolve(name);
        LOG.info("model in place", "url", Urls.redact(url), "path", target, "size", entry.size());
        return new Done(target, entry.size(), System.currentTimeMillis() - started);
    }

    /** A manifest entry: {@code local_path} absolute, or relative to {@code base} (COMFY_HOME). */
    public Done fetchTo(URI url, Path localPath) throws IOException {
        long started = System.currentTimeMillis();
        DownloadCache.Entry entry = downloads.into(url, Optional.empty(), localPath);
        return new Done(localPath, entry.size(), System.currentTimeMillis() - started);
    }
}
