package org.comfyapi.server.storage;

import org.comfyapi.server.net.HttpUrls;

import org.comfyapi.server.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plain HTTP(S): GET downloads and PUT uploads over the JDK client, through the configured
 * proxies. Redirects are followed here rather than by the client so that credentials are only
 * ever sent to the origin they were given for (as curl and OkHttp do).
 */
final class HttpStore implements StorageProvider<UploadTarget.HttpPut> {
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "comfyui-api/" + Config.VERSION;
    /** Azure Storage refuses bearer tokens without a service version; any recent one will do. */
    private static final String AZURE_VERSION = "2023-11-03";

    private final HttpClient client;
    private final StorageSettings settings;

    HttpStore(StorageSettings settings) {
        this.settings = settings;
        this.client = settings.httpClient();
    }

    /** Any http(s) URL with a host: the provider asked last. */
    @Override
    public boolean downloads(URI url, Optional<Auth> auth) {
        return HttpUrls.parse(url.toString()).isPresent();
    }

    @Override
    public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        return download(url, destination, auth, true);
    }

    @Override
    public Class<UploadTarget.HttpPut> targetType() {
        return UploadTarget.HttpPut.class;
    }

    /** {@code https://h/p/?sig=x} + {@code a.png} is {@code https://h/p/a.png?sig=x}: the name goes on the path. */
    @Override
    public String destination(UploadTarget.HttpPut target, String name) {
        String prefix = target.urlPrefix();
        int query = prefix.indexOf('?');
        String path = query < 0 ? prefix : prefix.substring(0, query);
        String rest = query < 0 ? "" : prefix.substring(query);
        return path + Urls.encodePathSegment(name) + rest;
    }

    @Override
    public void upload(Path file, String name, UploadTarget.HttpPut target, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        upload(file, URI.create(destination(target, name)), MediaTypes.forName(name), auth, cancellation);
    }

    /**
     * GETs {@code url} into {@code destination}. {@code useEnvHeader} adds {@code HTTP_AUTH_HEADER_*};
     * user info in the URL becomes basic auth; {@code auth} is applied last and wins.
     */
    DownloadResult download(URI url, Path destination, Optional<Auth> auth, boolean useEnvHeader) throws DownloadException {
        Authorized first = authorize(url, auth, useEnvHeader);
        URI current = first.uri();
        String shown = Urls.redact(current, first.queryParam());
        for (int hop = 0; ; hop++) {
            Map<String, String> headers = Urls.sameOrigin(current, first.uri()) ? first.headers() : Map.of();
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(settings.readTimeout())
                    .header("User-Agent", USER_AGENT);
            if (isAzureBlob(current)) request.header("x-ms-version", AZURE_VERSION);
            headers.forEach(request::setHeader);
            HttpResponse<InputStream> response = send(request.build(), current, shown);
            int status = response.statusCode();
            if (isRedirect(status) && response.headers().firstValue("location").isPresent()) {
                closeQuietly(response.body());
                if (hop >= MAX_REDIRECTS) {
                    throw new DownloadException(DownloadException.Reason.HTTP_STATUS, "too many redirects from " + shown, status, null);
                }
                URI next = current.resolve(response.headers().firstValue("location").get());
                if ("https".equalsIgnoreCase(current.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                    throw new DownloadException(DownloadException.Reason.HTTP_STATUS,
                            "HTTP " + status + " from " + shown + ": refused to follow a redirect from https to " + next.getScheme(),
                            status, null);
                }
                current = next;
                continue;
            }
            if (status < 200 || status > 299) {
                closeQuietly(response.body());
                String via = current.equals(first.uri()) ? "" : " (after a redirect to " + current.getHost() + ")";
                throw statusError(status, shown + via, url, auth);
            }
            return save(response, destination, shown);
        }
    }

    /** PUTs {@code file} to {@code destination}; cancelled through {@code cancellation}. */
    void upload(Path file, URI destination, String contentType, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        Authorized authorized = authorize(destination, auth, true);
        String shown = Urls.redact(authorized.uri(), authorized.queryParam());
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
        }
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>(CompletableFuture.completedFuture(null));
        try (Watchdog.Ticket ticket = Watchdog.watch(settings.readTimeout(), () -> pending.get().cancel(true))) {
            HttpRequest.Builder request = HttpRequest.newBuilder(authorized.uri())
                    .PUT(new ProgressPublisher(body, ticket::progress))
                    .header("Content-Type", contentType)
                    .header("User-Agent", USER_AGENT);
            if (isAzureBlob(authorized.uri())) request.header("x-ms-version", AZURE_VERSION).header("x-ms-blob-type", "BlockBlob");
            authorized.headers().forEach(request::setHeader);
            CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
            pending.set(response);
            cancellation.onCancel(() -> response.cancel(true));
            int status;
            try {
                status = response.get().statusCode();
            } catch (CancellationException | ExecutionException e) {
                if (cancellation.cancelled()) throw new UploadException("upload to " + shown + " " + cancellation.reason());
                if (ticket.fired()) {
                    throw new UploadException("upload to " + shown + " timed out: no progress for "
                            + Transfers.seconds(settings.readTimeout()));
                }
                Throwable cause = e.getCause() == null ? e : e.getCause();
                String why = NetworkErrors.describe(cause, authorized.uri(), settings.proxy().proxyFor(authorized.uri()))
                        .map(NetworkErrors.Described::message)
                        .orElseGet(() -> String.valueOf(cause.getMessage()));
                throw new UploadException("upload to " + shown + " failed: " + why);
            } catch (InterruptedException e) {
                response.cancel(true);
                Thread.currentThread().interrupt();
                throw new UploadException("upload to " + shown + " interrupted");
            }
            if (status < 200 || status > 299) throw new UploadException("HTTP " + status + " from PUT " + shown);
        }
    }

    private record Authorized(URI uri, Map<String, String> headers, String queryParam) {}

    private Authorized authorize(URI url, Optional<Auth> auth, boolean useEnvHeader) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (useEnvHeader) settings.httpAuthHeader().ifPresent(h -> put(headers, h.name(), h.value()));
        URI uri = url;
        if (url.getRawUserInfo() != null) {
            String userInfo = url.getUserInfo();
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            String password = colon < 0 ? "" : userInfo.substring(colon + 1);
            put(headers, "Authorization", basic(user, password));
            uri = Urls.withoutUserInfo(url);
        }
        String queryParam = null;
        if (auth.isPresent()) {
            switch (auth.get()) {
                case Auth.Bearer bearer -> put(headers, "Authorization", "Bearer " + bearer.token());
                case Auth.Basic basic -> put(headers, "Authorization", basic(basic.username(), basic.password()));
                case Auth.Header header -> put(headers, header.name(), header.value());
                case Auth.Query query -> {
                    uri = Urls.withQueryParam(uri, query.param(), query.value());
                    queryParam = query.param();
                }
                case Auth.S3Keys ignored -> { }
            }
        }
        return new Authorized(uri, headers, queryParam);
    }

    /** Header names are case-insensitive: a later value replaces an earlier one however it is spelled. */
    private static void put(Map<String, String> headers, String name, String value) {
        headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
        headers.put(name, value);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<InputStream> send(HttpRequest request, URI target, String shown) throws DownloadException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException(DownloadException.Reason.INTERRUPTED, "download of " + shown + " interrupted");
        } catch (IOException e) {
            throw NetworkErrors.describe(e, target, settings.proxy().proxyFor(target))
                    .map(d -> d.toDownload(e))
                    .orElseGet(() -> new DownloadException(DownloadException.Reason.UNREACHABLE,
                            "request to " + shown + " failed: " + e.getMessage(), -1, e));
        } catch (IllegalArgumentException e) {
            throw new DownloadException(DownloadException.Reason.INVALID, "cannot request " + shown + ": " + e.getMessage());
        }
    }

    private DownloadException statusError(int status, String shown, URI original, Optional<Auth> auth) {
        DownloadException.Reason reason = switch (status) {
            case 404, 410 -> DownloadException.Reason.NOT_FOUND;
            case 401, 403 -> DownloadException.Reason.DENIED;
            default -> DownloadException.Reason.HTTP_STATUS;
        };
        String hint = "";
        if (reason == DownloadException.Reason.DENIED && HuggingFaceStore.isHuggingFace(original, settings)
                && auth.isEmpty() && settings.hfToken().isEmpty()) {
            hint = " (HF_TOKEN is not set)";
        }
        return new DownloadException(reason, "HTTP " + status + " from " + shown + hint, status, null);
    }

    private DownloadResult save(HttpResponse<InputStream> response, Path destination, String shown)
            throws DownloadException {
        HttpHeaders headers = response.headers();
        long expected = headers.firstValueAsLong("content-length").orElse(-1);
        InputStream in = response.body();
        long copied;
        try (Watchdog.Ticket ticket = Watchdog.watch(settings.readTimeout(), () -> closeQuietly(in))) {
            copied = Transfers.copy(in, destination, expected, ticket, shown, settings.readTimeout());
        } finally {
            closeQuietly(in);
        }
        return new DownloadResult(copied,
                headers.firstValue("content-type").flatMap(ContentDisposition::mediaType),
                headers.firstValue("content-disposition").flatMap(ContentDisposition::filename));
    }

    private static boolean isAzureBlob(URI uri) {
        return uri.getHost() != null && uri.getHost().toLowerCase(Locale.ROOT).endsWith(".blob.core.windows.net");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) closeable.close();
        } catch (Exception ignored) {
            // nothing left to save
        }
    }
}
