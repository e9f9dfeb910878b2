package org.comfyapi.server.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** URL helpers, chiefly {@link #redact}: every URL that reaches a log line or a message goes through it. */
public final class Urls {
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i).*(sig|token|key|secret|pass|auth|credential|session|code|sas|private).*");
    private static final Set<String> SAS_PARAMS = Set.of("se", "sp", "sv", "sr", "st", "spr", "skoid", "sktid");

    private Urls() {}

    /** The URL without user info, with the values of secret-looking query parameters replaced. */
    public static String redact(URI uri) {
        return redact(uri, null);
    }

    /** As {@link #redact(URI)}, also hiding {@code extraParam} (a user's own query auth parameter). */
    public static String redact(URI uri, String extraParam) {
        if (uri == null) return "null";
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) sb.append(uri.getScheme()).append(':');
        if (uri.getRawAuthority() != null) {
            sb.append("//");
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            sb.append(at >= 0 ? "***@" + authority.substring(at + 1) : authority);
        }
        if (uri.getRawPath() != null) sb.append(uri.getRawPath());
        else if (uri.getRawSchemeSpecificPart() != null && uri.getRawAuthority() == null) {
            sb.append(uri.getRawSchemeSpecificPart().replaceAll("\\?.*", ""));
        }
        if (uri.getRawQuery() != null) sb.append('?').append(redactQuery(uri.getRawQuery(), extraParam));
        return sb.toString();
    }

    /** For a URL string that may not even parse: never throws, never leaks user info. */
    public static String redact(String url) {
        try {
            return redact(new URI(url));
        } catch (URISyntaxException e) {
            String noUser = url.replaceAll("//[^/@?#]*@", "//***@");
            int q = noUser.indexOf('?');
            return q < 0 ? noUser : noUser.substring(0, q) + "?***";
        }
    }

    private static String redactQuery(String query, String extraParam) {
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) out.append('&');
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
            boolean secret = SECRET_PARAM.matcher(decoded).matches()
                    || SAS_PARAMS.contains(decoded.toLowerCase(Locale.ROOT))
                    || decoded.toLowerCase(Locale.ROOT).startsWith("x-amz-")
                    || decoded.equals(extraParam);
            out.append(name);
            if (eq >= 0) out.append('=').append(secret ? "REDACTED" : pair.substring(eq + 1));
        }
        return out.toString();
    }

    /** host:port with the scheme's default port filled in, for messages such as "connection refused". */
    public static String hostPort(URI uri) {
        int port = uri.getPort();
        if (port < 0) port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
        return host + ":" + port;
    }

    /** Scheme, host and port: requests to the same origin may carry the same credentials. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && effectivePort(a) == effectivePort(b);
    }

    static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) return uri.getPort();
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The URI without user info (credentials in a URL become a header instead). */
    static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) return uri;
        String authority = uri.getRawAuthority();
        String rest = uri.toString().substring(uri.toString().indexOf(authority) + authority.length());
        return URI.create(uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1) + rest);
    }

    /** Appends {@code name=value} (both URL-encoded) to the query. */
    static URI withQueryParam(URI uri, String name, String value) {
        String pair = encode(name) + "=" + encode(value);
        String s = uri.toString();
        int hash = s.indexOf('#');
        String fragment = hash >= 0 ? s.substring(hash) : "";
        String base = hash >= 0 ? s.substring(0, hash) : s;
        return URI.create(base + (uri.getRawQuery() == null ? "?" : "&") + pair + fragment);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A file name as one path segment: everything but unreserved characters percent-encoded. */
    static String encodePathSegment(String segment) {
        return encode(segment).replace("%7E", "~");
    }
}
