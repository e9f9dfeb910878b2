package org.comfyapi.server.queue;

import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.config.Env;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Queue mode's settings (SPEC 10.4). Absent unless {@code QUEUE_URL} is set.
 *
 * @param user     from the URL's user info; empty when only a password (or nothing) is given
 * @param password never logged: {@link #toString()} and {@link #redactedUrl()} leave it out
 */
public record QueueSettings(
        boolean tls,
        String host,
        int port,
        Optional<String> user,
        Optional<String> password,
        int database,
        String name,
        int prefetch,
        Duration claimIdle,
        int maxAttempts,
        Optional<String> resultsUrl) {

    public static Optional<QueueSettings> fromEnv(Env env) {
        Optional<String> url = env.optional("QUEUE_URL");
        if (url.isEmpty()) return Optional.empty();
        URI uri = parseUri(url.get());
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new ConfigException("QUEUE_URL", "needs a host, as in redis://host:6379");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null && !uri.getRawUserInfo().isEmpty()) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            String rawUser = colon < 0 ? "" : info.substring(0, colon);
            String rawPassword = colon < 0 ? info : info.substring(colon + 1);
            if (!rawUser.isEmpty()) user = Optional.of(decode(rawUser));
            if (!rawPassword.isEmpty()) password = Optional.of(decode(rawPassword));
        }
        String name = env.string("QUEUE_NAME", "comfyui-api");
        if (!name.matches("[A-Za-z0-9._:{}-]+")) {
            throw new ConfigException("QUEUE_NAME", "use letters, digits and . _ : { } - only");
        }
        return Optional.of(new QueueSettings(
                scheme.equals("rediss"),
                host,
                uri.getPort() < 0 ? 6379 : uri.getPort(),
                user,
                password,
                database(uri),
                name,
                env.intRange("QUEUE_PREFETCH", 1, 1, 1000),
                Duration.ofSeconds(env.intRange("QUEUE_CLAIM_IDLE_S", 30, 1, 86_400)),
                env.intRange("QUEUE_MAX_ATTEMPTS", 3, 1, 100),
                env.optional("QUEUE_RESULTS_URL").map(QueueSettings::resultsUrl)));
    }

    /** The URL without its password, for logs. */
    public String redactedUrl() {
        String auth = user.map(u -> u + (password.isPresent() ? ":***@" : "@"))
                .orElse(password.isPresent() ? ":***@" : "");
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + "/" + database;
    }

    public QueueKeys keys() {
        return new QueueKeys(name);
    }

    @Override
    public String toString() {
        return "QueueSettings[url=" + redactedUrl() + ", name=" + name + ", prefetch=" + prefetch
                + ", claimIdle=" + claimIdle + ", maxAttempts=" + maxAttempts + ", resultsUrl=" + resultsUrl.orElse("") + "]";
    }

    private static URI parseUri(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException("QUEUE_URL", "is not a URL (expected redis://[user:password@]host:port[/db])");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException("QUEUE_URL", "must start with redis:// or rediss://");
        }
        return uri;
    }

    private static int database(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) return 0;
        String db = path.substring(1);
        if (!db.matches("\\d{1,5}")) {
            throw new ConfigException("QUEUE_URL", "the path must be a database number, as in redis://host:6379/2");
        }
        return Integer.parseInt(db);
    }

    private static String resultsUrl(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("s3://") || lower.startsWith("http://") || lower.startsWith("https://"))) {
            throw new ConfigException("QUEUE_RESULTS_URL", "must be an s3://, Azure blob or http(s):// prefix");
        }
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null && uri.getAuthority() == null) {
                throw new ConfigException("QUEUE_RESULTS_URL", "needs a bucket or host");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("QUEUE_RESULTS_URL", "is not a URL");
        }
        return value;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
