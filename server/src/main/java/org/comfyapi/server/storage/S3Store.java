package org.comfyapi.server.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.io.FilterInputStream;

/**
 * {@code s3://bucket/key} through the AWS SDK over {@link HttpURLConnection} (no Netty), with the
 * environment's keys or a request's own {@code s3} credentials. An endpoint (S3-compatible
 * stores) implies path-style addressing.
 */
final class S3Store implements StorageProvider<UploadTarget.S3> {
    private static final String DEFAULT_REGION = "us-east-1";
    private static final int MAX_CLIENTS = 16;

    private final StorageSettings settings;
    private final SdkHttpClient http;
    /** One client per distinct credentials, least recently used dropped first. */
    private final Map<Optional<Auth.S3Keys>, S3Client> clients = new LinkedHashMap<>(16, 0.75f, true);

    S3Store(StorageSettings settings) {
        this.settings = settings;
        int connectMillis = (int) settings.connectTimeout().toMillis();
        int readMillis = (int) settings.readTimeout().toMillis();
        ProxySettings proxy = settings.proxy();
        this.http = UrlConnectionHttpClient.create(uri -> {
            try {
                HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(proxy.proxy(uri));
                connection.setConnectTimeout(connectMillis);
                connection.setReadTimeout(readMillis);
                return connection;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    record Location(String bucket, String key) {
        static Location parse(URI url) throws DownloadException {
            String bucket = url.getHost() != null ? url.getHost() : url.getAuthority();
            String path = url.getPath() == null ? "" : url.getPath();
            String key = path.startsWith("/") ? path.substring(1) : path;
            if (bucket == null || bucket.isEmpty() || key.isEmpty()) {
                throw new DownloadException(DownloadException.Reason.INVALID, "S3 URL must be s3://bucket/key, got " + Urls.redact(url));
            }
            return new Location(bucket, key);
        }

        String url() {
            return "s3://" + bucket + "/" + key;
        }
    }

    @Override
    public boolean downloads(URI url, Optional<Auth> auth) {
        return "s3".equalsIgnoreCase(url.getScheme());
    }

    @Override
    public Class<UploadTarget.S3> targetType() {
        return UploadTarget.S3.class;
    }

    @Override
    public String destination(UploadTarget.S3 target, String name) {
        return "s3://" + target.bucket() + "/" + target.prefix() + name;
    }

    @Override
    public void upload(Path file, String name, UploadTarget.S3 target, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        upload(file, target.bucket(), target.prefix() + name, MediaTypes.forName(name), auth, cancellation);
    }

    @Override
    public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        Location location = Location.parse(url);
        Optional<Auth.S3Keys> keys = auth.filter(Auth.S3Keys.class::isInstance).map(Auth.S3Keys.class::cast);
        S3Client client = client(keys);
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(location.bucket()).key(location.key()))) {
            GetObjectResponse response = in.response();
            long expected = response.contentLength() == null ? -1 : response.contentLength();
            long size = Transfers.copy(in, destination, expected, null, location.url(), settings.readTimeout());
            return new DownloadResult(size, ContentDisposition.mediaType(response.contentType()),
                    ContentDisposition.filename(response.contentDisposition()));
        } catch (NoSuchKeyException e) {
            throw new DownloadException(DownloadException.Reason.NOT_FOUND, "S3 object not found: " + location.url(), 404, null);
        } catch (NoSuchBucketException e) {
            throw new DownloadException(DownloadException.Reason.NOT_FOUND, "S3 bucket not found: " + location.bucket(), 404, null);
        } catch (S3Exception e) {
            int status = e.statusCode();
            DownloadException.Reason reason = status == 404 ? DownloadException.Reason.NOT_FOUND
                    : status == 401 || status == 403 ? DownloadException.Reason.DENIED : DownloadException.Reason.HTTP_STATUS;
            throw new DownloadException(reason, s3Error(e, location.url()), status, null);
        } catch (SdkException e) {
            throw clientError(e, keys, location.url());
        } catch (IOException e) {
            // closing the stream failed after everything was read: the file is complete
            throw new DownloadException(DownloadException.Reason.CUT_OFF, "S3 download of " + location.url() + " failed: " + e.getMessage());
        }
    }

    /** Uploads {@code file} to {@code bucket/key}: one PutObject below the multipart threshold, parts above it. */
    private void upload(Path file, String bucket, String key, String contentType, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        String url = "s3://" + bucket + "/" + key;
        Optional<Auth.S3Keys> keys = auth.filter(Auth.S3Keys.class::isInstance).map(Auth.S3Keys.class::cast);
        S3Client client = client(keys);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
        }
        try {
            if (size < settings.multipartThreshold()) {
                client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(size),
                        RequestBody.fromContentProvider(new FileSlice(file, 0, size, cancellation), size, contentType));
            } else {
                multipart(client, file, size, bucket, key, contentType, cancellation);
            }
        } catch (S3Exception e) {
            if (cancellation.cancelled()) throw new UploadException("upload to " + url + " " + cancellation.reason());
            throw new UploadException(s3Error(e, url));
        } catch (SdkException | UncheckedIOException e) {
            if (cancellation.cancelled()) throw new UploadException("upload to " + url + " " + cancellation.reason());
            throw new UploadException("upload to " + url + " failed: " + clientError(e, keys, url).getMessage());
        }
    }

    private void multipart(S3Client client, Path file, long size, String bucket, String key, String contentType,
                           Cancellation cancellation) throws UploadException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = settings.partSize();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                if (cancellation.cancelled()) throw new UploadException("upload to s3://" + bucket + "/" + key + " " + cancellation.reason());
                long length = Math.min(partSize, size - offset);
                int partNumber = number;
                String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength(length),
                        RequestBody.fromContentProvider(new FileSlice(file, offset, length, cancellation), length, contentType)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            completed = true;
        } finally {
            if (!completed) {
                try {
                    client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // the store expires abandoned uploads by its own lifecycle rules
                }
            }
        }
    }

    private static String s3Error(S3Exception e, String url) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        int status = e.statusCode();
        if (status == 404) return "S3 object not found: " + url;
        if (status == 403) return "access denied to " + url + (code == null ? "" : " (" + code + ")");
        if (status == 301) return "S3 bucket of " + url + " is in another region (HTTP 301" + (code == null ? "" : " " + code) + ")";
        return "S3 error HTTP " + status + (code == null ? "" : " " + code) + " for " + url;
    }

    private DownloadException clientError(SdkException e, Optional<Auth.S3Keys> keys, String url) {
        URI endpoint = endpoint(keys).map(URI::create)
                .orElseGet(() -> URI.create("https://s3." + region(keys) + ".amazonaws.com"));
        return NetworkErrors.describe(e, endpoint, settings.proxy().proxyFor(endpoint))
                .map(d -> new DownloadException(d.reason(), d.message() + " (for " + url + ")", -1, null))
                .orElseGet(() -> new DownloadException(e instanceof SdkClientException
                        ? DownloadException.Reason.UNREACHABLE : DownloadException.Reason.HTTP_STATUS,
                        "S3 request for " + url + " failed: " + e.getMessage(), -1, null));
    }

    private DownloadException clientError(RuntimeException e, Optional<Auth.S3Keys> keys, String url) {
        return e instanceof SdkException sdk ? clientError(sdk, keys, url)
                : new DownloadException(DownloadException.Reason.LOCAL_IO, e.getMessage());
    }

    private synchronized S3Client client(Optional<Auth.S3Keys> keys) {
        S3Client client = clients.get(keys);
        if (client != null) return client;
        client = build(keys);
        clients.put(keys, client);
        if (clients.size() > MAX_CLIENTS) {
            var eldest = clients.entrySet().iterator().next();
            clients.remove(eldest.getKey());
            // HttpURLConnection-based clients hold no pool of their own; closing is safe under use.
            eldest.getValue().close();
        }
        return client;
    }

    private Optional<String> endpoint(Optional<Auth.S3Keys> keys) {
        return keys.flatMap(Auth.S3Keys::endpoint).or(() -> settings.s3().endpoint());
    }

    private String region(Optional<Auth.S3Keys> keys) {
        return keys.flatMap(Auth.S3Keys::region).or(() -> settings.s3().region()).orElse(DEFAULT_REGION);
    }

    private S3Client build(Optional<Auth.S3Keys> keys) {
        var builder = S3Client.builder()
                .httpClient(http)
                .region(Region.of(region(keys)))
                .credentialsProvider(credentials(keys))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint(keys).ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true));
        return builder.build();
    }

    private AwsCredentialsProvider credentials(Optional<Auth.S3Keys> keys) {
        if (keys.isPresent()) {
            Auth.S3Keys k = keys.get();
            return StaticCredentialsProvider.create(credentials(k.accessKeyId(), k.secretAccessKey(), k.sessionToken()));
        }
        StorageSettings.S3Defaults env = settings.s3();
        if (env.accessKeyId().isPresent() && env.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(credentials(env.accessKeyId().get(), env.secretAccessKey().get(), env.sessionToken()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static AwsCredentials credentials(String id, String secret, Optional<String> session) {
        return session.<AwsCredentials>map(token -> AwsSessionCredentials.create(id, secret, token))
                .orElseGet(() -> AwsBasicCredentials.create(id, secret));
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(S3Client::close);
        clients.clear();
        http.close();
    }

    /** A byte range of a file, opened afresh for every attempt the SDK makes. */
    private static final class FileSlice implements ContentStreamProvider {
        private final Path file;
        private final long offset;
        private final long length;
        private final Cancellation cancellation;
        private InputStream current;

        FileSlice(Path file, long offset, long length, Cancellation cancellation) {
            this.file = file;
            this.offset = offset;
            this.length = length;
            this.cancellation = cancellation;
        }

        @Override
        public InputStream newStream() {
            HttpStore.closeQuietly(current);
            try {
                InputStream in = Files.newInputStream(file);
                in.skipNBytes(offset);
                current = cancellation.guard(new Bounded(in, length));
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = super.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override public boolean markSupported() {
            return false;
        }
    }
}
