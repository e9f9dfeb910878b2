package org.comfyapi.server.storage;

import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY} as a {@link ProxySelector}, the way
 * curl reads them: lower-case names win, a proxy applies per scheme of the target URL, and
 * {@code NO_PROXY} lists hosts reached directly ({@code *}; exact hosts or IPs; domains, with or
 * without a leading dot, covering their subdomains; any of these with {@code :port}). Unlike the
 * JDK's default selector, loopback is proxied unless listed.
 */
public final class ProxySettings extends ProxySelector {
    private static final Log LOG = Log.get("proxy");
    public static final ProxySettings NONE = new ProxySettings(Optional.empty(), Optional.empty(), List.of());

    private final Optional<InetSocketAddress> http;
    private final Optional<InetSocketAddress> https;
    private final List<NoProxyEntry> noProxy;

    record NoProxyEntry(String host, int port) {
        /** {@code port} -1 matches any port; a host starting with '.' matches only subdomains. */
        boolean matches(String targetHost, int targetPort) {
            if (port >= 0 && port != targetPort) return false;
            if (host.equals("*")) return true;
            if (host.startsWith(".")) return targetHost.endsWith(host) || targetHost.equals(host.substring(1));
            return targetHost.equals(host) || targetHost.endsWith("." + host);
        }
    }

    private ProxySettings(Optional<InetSocketAddress> http, Optional<InetSocketAddress> https, List<NoProxyEntry> noProxy) {
        this.http = http;
        this.https = https;
        this.noProxy = List.copyOf(noProxy);
    }

    /** Reads the proxy variables; a value that is not a proxy address is a {@link ConfigException} naming it. */
    public static ProxySettings fromEnv(Map<String, String> env) {
        Optional<InetSocketAddress> http = proxyAddress(env, "http_proxy");
        Optional<InetSocketAddress> https = proxyAddress(env, "https_proxy");
        List<NoProxyEntry> noProxy = pick(env, "no_proxy").map(ProxySettings::parseNoProxy).orElse(List.of());
        if (http.isEmpty() && https.isEmpty()) return NONE;
        return new ProxySettings(http, https, noProxy);
    }

    public boolean isEmpty() {
        return http.isEmpty() && https.isEmpty();
    }

    /** The proxy for a URL, empty for a direct connection. */
    public Optional<InetSocketAddress> proxyFor(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Optional<InetSocketAddress> proxy = switch (scheme) {
            case "http", "ws" -> http;
            case "https", "wss" -> https;
            default -> Optional.empty();
        };
        if (proxy.isEmpty() || uri.getHost() == null) return Optional.empty();
        String host = normalizeHost(uri.getHost());
        int port = Urls.effectivePort(uri);
        for (NoProxyEntry entry : noProxy) {
            if (entry.matches(host, port)) return Optional.empty();
        }
        return proxy;
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (uri == null) throw new IllegalArgumentException("uri is null");
        return List.of(proxyFor(uri).map(address -> new Proxy(Proxy.Type.HTTP, address)).orElse(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        LOG.debug("proxy connection failed", "proxy", sa, "url", Urls.redact(uri));
    }

    /** The {@link Proxy} for {@link java.net.URL#openConnection(Proxy)}. */
    public Proxy proxy(URI uri) {
        return select(uri).getFirst();
    }

    @Override
    public String toString() {
        return "ProxySettings[http=" + http.map(ProxySettings::show).orElse("none")
                + ", https=" + https.map(ProxySettings::show).orElse("none") + ", no_proxy=" + noProxy.size() + " entries]";
    }

    private static String show(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private static Optional<String> pick(Map<String, String> env, String lowerName) {
        String value = env.get(lowerName);
        if (value == null || value.isBlank()) value = env.get(lowerName.toUpperCase(Locale.ROOT));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Optional<InetSocketAddress> proxyAddress(Map<String, String> env, String lowerName) {
        return pick(env, lowerName).map(value -> parseProxy(lowerName.toUpperCase(Locale.ROOT), value));
    }

    static InetSocketAddress parseProxy(String name, String value) {
        String withScheme = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (Exception e) {
            throw new ConfigException(name, "is not a proxy URL");
        }
        if (uri.getHost() == null) throw new ConfigException(name, "has no host");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new ConfigException(name, "must be an http:// proxy (got " + scheme + "://)");
        }
        if (uri.getRawUserInfo() != null) {
            // The JDK client cannot send Proxy-Authorization on CONNECT; say so instead of failing later.
            LOG.warn("proxy credentials are not supported and are ignored", "variable", name);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : 80;
        return InetSocketAddress.createUnresolved(normalizeHost(uri.getHost()), port);
    }

    static List<NoProxyEntry> parseNoProxy(String value) {
        List<NoProxyEntry> entries = new ArrayList<>();
        for (String raw : value.split("[,\\s]+")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) continue;
            if (item.contains("://")) item = item.substring(item.indexOf("://") + 3);
            int port = -1;
            if (item.startsWith("[")) {
                int close = item.indexOf(']');
                if (close > 0 && close + 1 < item.length() && item.charAt(close + 1) == ':') {
                    port = parsePort(item.substring(close + 2));
                }
                item = close > 0 ? item.substring(1, close) : item;
            } else if (item.indexOf(':') >= 0 && item.indexOf(':') == item.lastIndexOf(':')) {
                port = parsePort(item.substring(item.indexOf(':') + 1));
                item = item.substring(0, item.indexOf(':'));
            }
            if (item.startsWith("*.")) item = item.substring(1);
            if (!item.isEmpty()) entries.add(new NoProxyEntry(item, port));
        }
        return entries;
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h;
    }
}
