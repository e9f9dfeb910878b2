package org.comfyapi.simulator.http;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/** server.create_origin_only_middleware: loopback Host with a different Origin is refused. */
final class OriginCheck {
    private OriginCheck() {
    }

    private record HostPort(String host, Integer port) {
    }

    /** True when the request must get 403. */
    static boolean reject(String host, String origin) {
        if (host == null || origin == null) return false;
        String hostDomain = host.toLowerCase(Locale.ROOT);
        HostPort originParsed = parseOrigin(origin);
        String originDomain = originParsed.host() == null ? "" : netloc(origin).toLowerCase(Locale.ROOT);
        HostPort hostParsed = split(hostDomain);
        boolean loopback = isLoopback(hostParsed.host());
        if (originParsed.port() == null) hostDomain = hostParsed.host();
        if (hostParsed.port() == null) originDomain = originParsed.host();
        return loopback && hostDomain != null && originDomain != null && !hostDomain.isEmpty() && !originDomain.isEmpty()
                && !hostDomain.equals(originDomain);
    }

    private static String netloc(String origin) {
        try {
            String auth = URI.create(origin).getRawAuthority();
            return auth == null ? "" : auth;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static HostPort parseOrigin(String origin) {
        String n = netloc(origin).toLowerCase(Locale.ROOT);
        if (n.isEmpty()) return new HostPort(null, null);
        return split(n);
    }

    /** urllib.parse.urlsplit('//' + netloc): hostname (lower, no brackets) and port. */
    private static HostPort split(String netloc) {
        String n = netloc.contains("@") ? netloc.substring(netloc.lastIndexOf('@') + 1) : netloc;
        String hostPart = n;
        Integer port = null;
        if (n.startsWith("[")) {
            int close = n.indexOf(']');
            hostPart = close > 0 ? n.substring(1, close) : n.substring(1);
            String rest = close > 0 ? n.substring(close + 1) : "";
            if (rest.startsWith(":") && rest.length() > 1) port = parsePort(rest.substring(1));
        } else {
            int colon = n.lastIndexOf(':');
            if (colon >= 0) {
                hostPart = n.substring(0, colon);
                if (colon + 1 < n.length()) port = parsePort(n.substring(colon + 1));
            }
        }
        return new HostPort(hostPart.isEmpty() ? null : hostPart, port);
    }

    private static Integer parsePort(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) return false;
        try {
            if (host.matches("[0-9.]+") || host.contains(":")) return InetAddress.getByName(host).isLoopbackAddress();
            boolean loopback = false;
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) return loopback;
                loopback = true;
            }
            return loopback;
        } catch (Exception e) {
            return false;
        }
    }
}
