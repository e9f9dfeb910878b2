package org.comfyapi.server.storage;

import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Downloads remote files to disk and uploads outputs through a list of {@link StorageProvider}s,
 * like the Node server's storage providers: {@code s3://} goes to S3; URLs of the Azure account in
 * {@code AZURE_STORAGE_CONNECTION_STRING} to Azure Blob Storage; Hugging Face URLs get
 * {@code HF_TOKEN}; any other {@code http(s)://} is a GET with {@code HTTP_AUTH_HEADER_*}. The
 * first provider that claims a URL downloads it; the provider of a target's type uploads to it.
 * Blocking and thread-safe: call it from virtual threads. One instance per server.
 */
public final class RemoteFiles implements AutoCloseable {
    private static final Log LOG = Log.get("storage");

    /** In the order they are asked; plain HTTP last, since it takes any http(s) URL. */
    private final List<StorageProvider<?>> providers;
    private final InFlightUploads uploads = new InFlightUploads();

    public RemoteFiles(StorageSettings settings) {
        HttpStore http = new HttpStore(settings);
        StorageProvider<UploadTarget.AzureBlob> azure = settings.azureConnectionString()
                .<StorageProvider<UploadTarget.AzureBlob>>map(cs -> azureStore(settings, cs))
                .orElseGet(() -> StorageProvider.unavailable(UploadTarget.AzureBlob.class,
                        "azure_blob_upload needs AZURE_STORAGE_CONNECTION_STRING"));
        this.providers = List.of(new S3Store(settings), azure, new HuggingFaceStore(settings, http), http);
    }

    private static AzureStore azureStore(StorageSettings settings, String connectionString) {
        try {
            return new AzureStore(settings, connectionString);
        } catch (RuntimeException e) {
            // the SDK's message could quote the string, key included
            throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING", "is not a valid Azure Storage connection string");
        }
    }

    /**
     * Parses a URL as users write it (spaces allowed) and checks it is one {@link #download} takes:
     * {@code s3://bucket/key} or {@code http(s)://host/...}.
     */
    public static URI parseUrl(String raw) throws DownloadException {
        String text = raw.strip();
        URI uri;
        try {
            uri = new URI(text.replace(" ", "%20"));
        } catch (URISyntaxException e) {
            throw new DownloadException(DownloadException.Reason.INVALID, "not a valid URL: " + Urls.redact(text));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("s3") && !scheme.equals("http") && !scheme.equals("https")) {
            throw new DownloadException(DownloadException.Reason.INVALID,
                    "unsupported URL scheme \"" + scheme + "\": use http, https or s3");
        }
        if (uri.getHost() == null && !(scheme.equals("s3") && uri.getAuthority() != null)) {
            throw new DownloadException(DownloadException.Reason.INVALID, "URL has no host: " + Urls.redact(text));
        }
        return uri;
    }

    /** True for the URL schemes {@link #download} accepts: s3, http and https. */
    public static boolean isRemote(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("s3://") || lower.startsWith("http://") || lower.startsWith("https://");
    }

    /**
     * Streams {@code url} into {@code destination} (created or replaced; the caller picks a temporary
     * path and renames it). On failure the destination is deleted and the exception says why.
     *
     * @param auth the request's credentials for this URL ({@link Credentials#forUrl}), if any
     */
    public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        long start = System.nanoTime();
        String shown = Urls.redact(url, auth.filter(Auth.Query.class::isInstance).map(a -> ((Auth.Query) a).param()).orElse(null));
        try {
            DownloadResult result = route(url, destination, auth);
            LOG.info("downloaded", "url", shown, "bytes", result.size(), "ms", (System.nanoTime() - start) / 1_000_000);
            return result;
        } catch (DownloadException e) {
            deleteQuietly(destination);
            LOG.warn("download failed", "url", shown, "error", e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            deleteQuietly(destination);
            LOG.error("download failed unexpectedly", "url", shown, "error", e.getClass().getSimpleName());
            throw new DownloadException(DownloadException.Reason.INVALID, "download of " + shown + " failed: "
                    + e.getClass().getSimpleName(), -1, null);
        }
    }

    private DownloadResult route(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        for (StorageProvider<?> provider : providers) {
            if (provider.downloads(url, auth)) return provider.download(url, destination, auth);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            throw new DownloadException(DownloadException.Reason.INVALID, "URL has no host: " + Urls.redact(url));
        }
        throw new DownloadException(DownloadException.Reason.INVALID, "unsupported URL scheme \"" + scheme + "\": use http, https or s3");
    }

    /** Uploads {@code file} under its own name. */
    public String upload(Path file, UploadTarget target) throws UploadException {
        return upload(file, file.getFileName().toString(), target, Optional.empty());
    }

    /**
     * Uploads {@code file} as prefix + {@code name} and returns where it landed: {@code s3://bucket/key}
     * for S3, the blob's URL for Azure, the file's {@code resolve} URL for Hugging Face, the PUT URL
     * for HTTP. A concurrent upload to the same URL
     * makes the older one fail with {@link UploadException#superseded()}.
     *
     * @param auth the request's credentials for the destination URL, if any (s3 keys for S3; any
     *             HTTP kind for {@code http_upload})
     */
    public String upload(Path file, String name, UploadTarget target, Optional<Auth> auth) throws UploadException {
        String url = destination(target, name);
        String shown = Urls.redact(url);
        long start = System.nanoTime();
        Cancellation mine;
        try {
            mine = uploads.begin(url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("upload to " + shown + " interrupted");
        }
        try {
            uploadVia(provider(target), file, name, target, auth, mine);
            LOG.info("uploaded", "url", shown, "ms", (System.nanoTime() - start) / 1_000_000);
            return url;
        } catch (UploadException e) {
            if (mine.cancelled()) {
                LOG.info("upload superseded", "url", shown);
                throw new UploadException("upload to " + shown + " " + InFlightUploads.SUPERSEDED, null, true);
            }
            LOG.warn("upload failed", "url", shown, "error", e.getMessage());
            throw e;
        } finally {
            uploads.end(url, mine);
        }
    }

    /** The URL an upload of {@code name} to {@code target} lands at. */
    public String destination(UploadTarget target, String name) throws UploadException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new UploadException("upload name must be a plain file name");
        }
        return destinationVia(provider(target), target, name);
    }

    private StorageProvider<?> provider(UploadTarget target) {
        for (StorageProvider<?> provider : providers) {
            if (provider.targetType().isInstance(target)) return provider;
        }
        throw new IllegalStateException("no storage provider for " + target.field());
    }

    private static <T extends UploadTarget> String destinationVia(StorageProvider<T> provider, UploadTarget target, String name)
            throws UploadException {
        return provider.destination(provider.targetType().cast(target), name);
    }

    private static <T extends UploadTarget> void uploadVia(StorageProvider<T> provider, Path file, String name, UploadTarget target,
                                                           Optional<Auth> auth, Cancellation cancellation) throws UploadException {
        provider.upload(file, name, provider.targetType().cast(target), auth, cancellation);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot delete partial download", "path", path, "error", e.getMessage());
        }
    }

    @Override
    public void close() {
        providers.forEach(StorageProvider::close);
    }
}
