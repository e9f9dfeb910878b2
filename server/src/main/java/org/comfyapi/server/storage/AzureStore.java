package org.comfyapi.server.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobServiceAsyncClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Azure Blob Storage through {@code AZURE_STORAGE_CONNECTION_STRING}, over the JDK HTTP client
 * (no Netty) and the configured proxies. Handles URLs of the connection string's account:
 * {@code https://<account>.blob.core.windows.net/<container>/<blob>}, or any URL under its
 * {@code BlobEndpoint} (Azurite: {@code http://127.0.0.1:10000/<account>/<container>/<blob>}).
 */
final class AzureStore implements StorageProvider<UploadTarget.AzureBlob> {
    private static final long BLOCK_SIZE = 8L * 1024 * 1024;

    private final StorageSettings settings;
    private final ConnectionString connection;
    private final BlobServiceClient client;
    private final BlobServiceAsyncClient asyncClient;

    /** The parts of a connection string this class needs to route URLs; the SDK reads the rest. */
    record ConnectionString(String accountName, URI blobEndpoint) {
        static ConnectionString parse(String value) {
            Map<String, String> parts = new HashMap<>();
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
            if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
                return new ConnectionString("devstoreaccount1", URI.create("http://127.0.0.1:10000/devstoreaccount1"));
            }
            String account = parts.getOrDefault("accountname", "");
            String endpoint = parts.get("blobendpoint");
            if (endpoint == null) {
                if (account.isEmpty()) throw new IllegalArgumentException("AZURE_STORAGE_CONNECTION_STRING has neither AccountName nor BlobEndpoint");
                endpoint = parts.getOrDefault("defaultendpointsprotocol", "https") + "://" + account + ".blob."
                        + parts.getOrDefault("endpointsuffix", "core.windows.net");
            }
            URI uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
            if (account.isEmpty() && uri.getHost() != null) account = uri.getHost().split("\\.")[0];
            return new ConnectionString(account, uri);
        }

        boolean owns(URI url) {
            if (url.getHost() == null || blobEndpoint.getHost() == null) return false;
            if (url.getScheme().equalsIgnoreCase(blobEndpoint.getScheme())
                    && url.getHost().equalsIgnoreCase(blobEndpoint.getHost())
                    && Urls.effectivePort(url) == Urls.effectivePort(blobEndpoint)
                    && (url.getRawPath() + "/").startsWith(blobEndpoint.getRawPath() + "/")) {
                return true;
            }
            String host = url.getHost().toLowerCase(Locale.ROOT);
            return host.endsWith(".blob.core.windows.net") && host.substring(0, host.indexOf('.')).equalsIgnoreCase(accountName);
        }
    }

    AzureStore(StorageSettings settings, String connectionString) {
        this.settings = settings;
        this.connection = ConnectionString.parse(connectionString);
        // Configuration.NONE: the SDK would otherwise read proxies from the environment its own way.
        HttpClient http = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().proxy(settings.proxy()))
                .configuration(Configuration.NONE)
                .connectionTimeout(settings.connectTimeout())
                .responseTimeout(settings.readTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.readTimeout())
                .build();
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .connectionString(connectionString)
                .httpClient(http)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, (Integer) null, 200L, 2000L, null));
        this.client = builder.buildClient();
        this.asyncClient = builder.buildAsyncClient();
    }

    /**
     * URLs of the configured account, unless the request brings its own HTTP credentials for them
     * (a bearer token, a SAS in a header): those go over plain HTTP.
     */
    @Override
    public boolean downloads(URI url, Optional<Auth> auth) {
        return connection.owns(url) && auth.filter(a -> !(a instanceof Auth.S3Keys)).isEmpty();
    }

    @Override
    public Class<UploadTarget.AzureBlob> targetType() {
        return UploadTarget.AzureBlob.class;
    }

    @Override
    public String destination(UploadTarget.AzureBlob target, String name) {
        return blobUrl(target.container(), target.blobPrefix() + name);
    }

    @Override
    public void upload(Path file, String name, UploadTarget.AzureBlob target, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        upload(file, target.container(), target.blobPrefix() + name, MediaTypes.forName(name), cancellation);
    }

    @Override
    public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        String shown = Urls.redact(url);
        BlobUrlParts parts;
        try {
            parts = BlobUrlParts.parse(url.toURL());
        } catch (Exception e) {
            throw new DownloadException(DownloadException.Reason.INVALID, "not an Azure blob URL: " + shown);
        }
        if (parts.getBlobContainerName() == null || parts.getBlobName() == null) {
            throw new DownloadException(DownloadException.Reason.INVALID, "Azure blob URL must name a container and a blob: " + shown);
        }
        var blob = client.getBlobContainerClient(parts.getBlobContainerName()).getBlobClient(parts.getBlobName());
        BlobDownloadToFileOptions options = new BlobDownloadToFileOptions(destination.toString())
                .setOpenOptions(Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
                .setParallelTransferOptions(new com.azure.storage.common.ParallelTransferOptions()
                        .setBlockSizeLong(BLOCK_SIZE).setMaxConcurrency(4));
        try {
            BlobProperties properties = blob.downloadToFileWithResponse(options, null, Context.NONE).getValue();
            return new DownloadResult(properties.getBlobSize(), ContentDisposition.mediaType(properties.getContentType()),
                    ContentDisposition.filename(properties.getContentDisposition()));
        } catch (BlobStorageException e) {
            throw storageError(e, shown);
        } catch (RuntimeException e) {
            throw NetworkErrors.describe(e, url, settings.proxy().proxyFor(url))
                    .map(d -> d.toDownload(null))
                    .orElseGet(() -> new DownloadException(DownloadException.Reason.UNREACHABLE,
                            "Azure download of " + shown + " failed: " + rootMessage(e)));
        }
    }

    /** The URL a blob of this name in this container has, with its "folders" as readable slashes. */
    String blobUrl(String container, String blobName) {
        StringBuilder url = new StringBuilder(client.getAccountUrl().replaceAll("/+$", ""))
                .append('/').append(Urls.encodePathSegment(container));
        for (String segment : blobName.split("/", -1)) url.append('/').append(Urls.encodePathSegment(segment));
        return url.toString();
    }

    private void upload(Path file, String container, String blobName, String contentType, Cancellation cancellation)
            throws UploadException {
        var blob = asyncClient.getBlobContainerAsyncClient(container).getBlobAsyncClient(blobName);
        String shown = Urls.redact(blobUrl(container, blobName));
        BlobUploadFromFileOptions options = new BlobUploadFromFileOptions(file.toString())
                .setHeaders(new BlobHttpHeaders().setContentType(contentType))
                .setParallelTransferOptions(new ParallelTransferOptions()
                        .setBlockSizeLong(BLOCK_SIZE).setMaxSingleUploadSizeLong(4 * BLOCK_SIZE).setMaxConcurrency(2));
        CompletableFuture<?> pending = blob.uploadFromFileWithResponse(options).toFuture();
        cancellation.onCancel(() -> pending.cancel(true));
        try {
            pending.get();
        } catch (CancellationException e) {
            throw new UploadException("upload to " + shown + " " + cancellation.reason());
        } catch (ExecutionException e) {
            if (cancellation.cancelled()) throw new UploadException("upload to " + shown + " " + cancellation.reason());
            Throwable cause = e.getCause();
            if (cause instanceof BlobStorageException storage) {
                throw new UploadException("upload to " + shown + " failed: " + storageError(storage, shown).getMessage());
            }
            URI uri = URI.create(blobUrl(container, blobName));
            String why = NetworkErrors.describe(cause, uri, settings.proxy().proxyFor(uri))
                    .map(NetworkErrors.Described::message).orElseGet(() -> rootMessage(cause));
            throw new UploadException("upload to " + shown + " failed: " + why);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new UploadException("upload to " + shown + " interrupted");
        }
    }

    private static DownloadException storageError(BlobStorageException e, String shown) {
        BlobErrorCode code = e.getErrorCode();
        int status = e.getStatusCode();
        if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
            return new DownloadException(DownloadException.Reason.NOT_FOUND, "Azure container not found for " + shown, status, null);
        }
        if (status == 404) {
            return new DownloadException(DownloadException.Reason.NOT_FOUND, "Azure blob not found: " + shown, status, null);
        }
        if (status == 401 || status == 403) {
            return new DownloadException(DownloadException.Reason.DENIED,
                    "access denied to " + shown + (code == null ? "" : " (" + code + ")"), status, null);
        }
        return new DownloadException(DownloadException.Reason.HTTP_STATUS,
                "Azure storage error HTTP " + status + (code == null ? "" : " " + code) + " for " + shown, status, null);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    Optional<String> accountName() {
        return Optional.of(connection.accountName()).filter(s -> !s.isEmpty());
    }
}
