package org.comfyapi.server.storage;

import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Remote files through the download cache: each URL fetched once, then linked wherever it is wanted. */
public final class CachedDownloads {
    private static final Log LOG = Log.get("storage.downloads");

    private final DownloadCache cache;
    private final RemoteFiles remote;
    private final StorageEvents events;
    private final Metrics metrics;

    public CachedDownloads(DownloadCache cache, RemoteFiles remote, StorageEvents events, Metrics metrics) {
        this.metrics = metrics;
        this.cache = cache;
        this.remote = remote;
        this.events = events;
    }

    /** The cached copy of {@code url}, downloaded first if needed; the message of a failure is safe to show. */
    public DownloadCache.Entry get(URI url, Optional<Auth> auth) throws IOException {
        DownloadCache.Entry entry = cache.get(url, (u, destination) -> {
            try {
                DownloadResult result = remote.download(u, destination, auth);
                metrics.download(true);
                return result;
            } catch (DownloadException e) {
                metrics.download(false);
                throw new IOException(e.getMessage(), e);
            } catch (RuntimeException e) {
                metrics.download(false);
                throw e;
            }
        });
        if (entry.downloaded()) events.downloaded(Urls.redact(url), entry.path(), entry.size(), entry.millis());
        else metrics.downloadCacheHit();
        return entry;
    }

    /** Makes {@code target} hold the file at {@code url}; an existing target is kept unless this call downloaded anew. */
    public DownloadCache.Entry into(URI url, Optional<Auth> auth, Path target) throws IOException {
        DownloadCache.Entry entry = get(url, auth);
        if (entry.downloaded() || !Files.exists(target)) {
            DownloadCache.link(entry.path(), target);
            LOG.debug("linked", "url", Urls.redact(url), "target", target);
        }
        return entry;
    }
}
