package org.comfyapi.server.storage;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remote files, downloaded once. A file is named by a hash of its URL plus its extension, streamed to
 * a part file and renamed into place, so a failed download leaves nothing under the final name.
 * Concurrent requests for one URL share one download; the least recently used files are evicted
 * when the cache grows past its size.
 */
public final class DownloadCache {
    private static final Log LOG = Log.get("cache");
    private static final Pattern EXTENSION = Pattern.compile("\\.([A-Za-z0-9]{1,16})$");

    /** Streams one URL into a file; the answer's headers help name it. */
    @FunctionalInterface
    public interface Source {
        DownloadResult fetch(URI url, Path destination) throws IOException;
    }

    /** A cached file and whether this call downloaded it. */
    public record Entry(Path path, boolean downloaded, long size, long millis) {
    }

    private final Path dir;
    private final long maxBytes;
    private final Map<String, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();
    private final Map<Path, String> urls = new ConcurrentHashMap<>();
    private final StorageEvents events;

    public DownloadCache(Path dir, double maxGigabytes) {
        this(dir, maxGigabytes, StorageEvents.NONE);
    }

    public DownloadCache(Path dir, double maxGigabytes, StorageEvents events) {
        this.dir = dir;
        this.maxBytes = maxGigabytes > 0 ? (long) (maxGigabytes * 1024 * 1024 * 1024) : 0;
        this.events = events;
    }

    public Path dir() {
        return dir;
    }

    /** The cached file for a URL, downloading it first when it is not cached yet. */
    public Entry get(URI url, Source source) throws IOException {
        String key = hash(url.toString());
        Optional<Path> cached = lookup(key);
        if (cached.isPresent()) {
            touch(cached.get());
            return new Entry(cached.get(), false, Files.size(cached.get()), 0);
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> shared = inFlight.putIfAbsent(key, mine);
        if (shared != null) return join(shared);
        try {
            Entry entry = download(url, key, source);
            mine.complete(entry);
            return entry;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Entry download(URI url, String key, Source source) throws IOException {
        Files.createDirectories(dir);
        Optional<Path> cached = lookup(key);
        if (cached.isPresent()) return new Entry(cached.get(), false, Files.size(cached.get()), 0);
        Path part = dir.resolve(key + ".part-" + UUID.randomUUID());
        long started = System.currentTimeMillis();
        try {
            DownloadResult fetched = source.fetch(url, part);
            String extension = extension(url, fetched);
            Path target = dir.resolve(extension.isEmpty() ? key : key + "." + extension);
            move(part, target);
            Entry entry = new Entry(target, true, Files.size(target), System.currentTimeMillis() - started);
            if (maxBytes > 0) urls.put(target, Urls.redact(url)); // only eviction reports it
            evict(target);
            return entry;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes {@code target} show the cached file: a hard link, else a symbolic link, else a copy. */
    public static void link(Path cached, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".link-" + UUID.randomUUID());
        try {
            try {
                Files.createLink(temp, cached);
            } catch (IOException | UnsupportedOperationException e) {
                try {
                    Files.createSymbolicLink(temp, cached.toAbsolutePath());
                } catch (IOException | UnsupportedOperationException e2) {
                    Files.copy(cached, temp);
                }
            }
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Optional<Path> lookup(String key) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        Path bare = dir.resolve(key);
        if (Files.isRegularFile(bare)) return Optional.of(bare);
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, key + ".*")) {
            for (Path p : matches) {
                if (!p.getFileName().toString().contains(".part-") && Files.isRegularFile(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // only the LRU order suffers
        }
    }

    private void evict(Path keep) throws IOException {
        if (maxBytes <= 0) return;
        record Item(Path path, long size, long used) {
        }
        List<Item> items = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (!Files.isRegularFile(p) || p.getFileName().toString().contains(".part-")) continue;
                long size = Files.size(p);
                total += size;
                items.add(new Item(p, size, Files.getLastModifiedTime(p).toMillis()));
            }
        }
        items.sort(Comparator.comparingLong(Item::used));
        for (Item item : items) {
            if (total <= maxBytes) break;
            if (item.path().equals(keep)) continue;
            Files.deleteIfExists(item.path());
            total -= item.size();
            LOG.info("evicted from cache", "file", item.path().getFileName(), "size", item.size());
            events.deleted(urls.remove(item.path()), item.path(), item.size());
        }
    }

    private static Entry join(CompletableFuture<Entry> shared) throws IOException {
        try {
            return shared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a shared download", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    /** From the URL path, else Content-Disposition, else Content-Type. */
    static String extension(URI url, DownloadResult fetched) {
        String path = url.getPath() == null ? "" : url.getPath();
        Matcher m = EXTENSION.matcher(path.substring(path.lastIndexOf('/') + 1));
        if (m.find()) return m.group(1).toLowerCase(Locale.ROOT);
        if (fetched.filename().isPresent()) {
            Matcher d = EXTENSION.matcher(fetched.filename().get());
            if (d.find()) return d.group(1).toLowerCase(Locale.ROOT);
        }
        return fetched.contentType().map(MediaTypes::extensionFor).orElse("");
    }

    static String hash(String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
