package org.comfyapi.server.storage;

import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.config.Env;
import org.comfyapi.server.net.HttpUrls;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the storage layer reads from the environment, read once. Tests build it from their own map;
 * {@code toString()} hides every secret.
 *
 * @param hfEndpoint {@code HF_ENDPOINT}: a Hugging Face mirror whose URLs also get {@code HF_TOKEN}
 * @param readTimeout how long a transfer may go without a single byte moving before it fails
 * @param multipartThreshold files at least this large go to S3 as multipart uploads
 */
public record StorageSettings(
        ProxySettings proxy,
        Optional<Auth.Header> httpAuthHeader,
        Optional<String> hfToken,
        Optional<String> hfEndpoint,
        Optional<String> azureConnectionString,
        S3Defaults s3,
        Duration connectTimeout,
        Duration readTimeout,
        long multipartThreshold,
        long partSize) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    /** The standard AWS variables; keys absent means the SDK's default chain (instance roles and so on). */
    public record S3Defaults(Optional<String> accessKeyId, Optional<String> secretAccessKey, Optional<String> sessionToken,
                             Optional<String> region, Optional<String> endpoint) {
        public static final S3Defaults NONE =
                new S3Defaults(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        @Override public String toString() {
            return "S3Defaults[keys=" + (accessKeyId.isPresent() ? "set" : "default chain") + ", region="
                    + region.orElse("default") + ", endpoint=" + endpoint.orElse("default") + "]";
        }
    }

    public StorageSettings {
        if (partSize < 5L * 1024 * 1024) throw new IllegalArgumentException("S3 parts must be at least 5 MB");
        if (multipartThreshold < partSize) multipartThreshold = partSize;
    }

    /** Reads the storage variables; a bad value is a {@link ConfigException} naming the variable. */
    public static StorageSettings fromEnv(Map<String, String> env) {
        Env vars = new Env(env);
        Optional<String> headerName = vars.optional("HTTP_AUTH_HEADER_NAME");
        Optional<String> headerValue = vars.optional("HTTP_AUTH_HEADER_VALUE");
        if (headerName.isPresent() != headerValue.isPresent()) {
            throw new ConfigException(headerName.isPresent() ? "HTTP_AUTH_HEADER_VALUE" : "HTTP_AUTH_HEADER_NAME",
                    "set both HTTP_AUTH_HEADER_NAME and HTTP_AUTH_HEADER_VALUE, or neither");
        }
        headerName.ifPresent(name -> {
            if (!Auth.TOKEN.matcher(name).matches()) throw new ConfigException("HTTP_AUTH_HEADER_NAME", "is not a valid header name");
        });
        S3Defaults s3 = new S3Defaults(
                vars.optional("AWS_ACCESS_KEY_ID"),
                vars.optional("AWS_SECRET_ACCESS_KEY"),
                vars.optional("AWS_SESSION_TOKEN"),
                vars.optional("AWS_REGION").or(() -> vars.optional("AWS_DEFAULT_REGION")),
                endpoint(vars, "AWS_ENDPOINT_URL_S3").or(() -> endpoint(vars, "AWS_ENDPOINT_URL")));
        return new StorageSettings(
                ProxySettings.fromEnv(env),
                headerName.map(name -> new Auth.Header(name, headerValue.orElseThrow())),
                vars.optional("HF_TOKEN"),
                endpoint(vars, "HF_ENDPOINT"),
                vars.optional("AZURE_STORAGE_CONNECTION_STRING"),
                s3,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT,
                DEFAULT_PART_SIZE,
                DEFAULT_PART_SIZE);
    }

    /** A client for storage calls: through the proxy, with the connect timeout, HTTP/1.1, redirects not followed. */
    HttpClient httpClient() {
        return HttpClient.newBuilder()
                .proxy(proxy)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public StorageSettings withTimeouts(Duration connect, Duration read) {
        return new StorageSettings(proxy, httpAuthHeader, hfToken, hfEndpoint, azureConnectionString, s3, connect, read,
                multipartThreshold, partSize);
    }

    public StorageSettings withMultipart(long threshold, long part) {
        return new StorageSettings(proxy, httpAuthHeader, hfToken, hfEndpoint, azureConnectionString, s3, connectTimeout, readTimeout,
                threshold, part);
    }

    @Override
    public String toString() {
        return "StorageSettings[proxy=" + proxy + ", httpAuthHeader=" + httpAuthHeader.map(h -> h.name() + ": ***").orElse("none")
                + ", hfToken=" + (hfToken.isPresent() ? "set" : "none") + ", hfEndpoint=" + hfEndpoint.orElse("default")
                + ", azure=" + (azureConnectionString.isPresent() ? "set" : "none") + ", s3=" + s3
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize + "]";
    }

    private static Optional<String> endpoint(Env vars, String name) {
        Optional<String> value = vars.optional(name);
        value.ifPresent(v -> {
            if (HttpUrls.parse(v).isEmpty()) {
                throw new ConfigException(name, "must be an http(s) URL such as http://127.0.0.1:9000");
            }
        });
        return value;
    }
}
