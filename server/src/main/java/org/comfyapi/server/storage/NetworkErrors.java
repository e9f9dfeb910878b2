package org.comfyapi.server.storage;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Turns the many shapes of a network failure into one short sentence with no secret in it. */
final class NetworkErrors {
    private NetworkErrors() {}

    record Described(DownloadException.Reason reason, String message) {
        DownloadException toDownload(Throwable cause) {
            return new DownloadException(reason, message, -1, cause);
        }
    }

    /** Empty when {@code error} is not a recognised connection-level failure. */
    static Optional<Described> describe(Throwable error, URI target, Optional<InetSocketAddress> proxy) {
        String host = target.getHost() == null ? "?" : target.getHost();
        String endpoint = proxy.map(p -> p.getHostString() + ":" + p.getPort() + " (proxy for " + host + ")")
                .orElseGet(() -> Urls.hostPort(target));
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                String name = proxy.isPresent() ? proxy.get().getHostString() + " (proxy)" : host;
                return Optional.of(new Described(DownloadException.Reason.UNREACHABLE, "unknown host: " + name));
            }
            if (t instanceof HttpConnectTimeoutException) {
                return Optional.of(new Described(DownloadException.Reason.TIMEOUT, "connect timed out: " + endpoint));
            }
            if (t instanceof HttpTimeoutException) {
                return Optional.of(new Described(DownloadException.Reason.TIMEOUT,
                        "timed out waiting for a response from " + Urls.hostPort(target)));
            }
            if (t instanceof SocketTimeoutException) {
                String what = String.valueOf(t.getMessage()).toLowerCase().contains("connect") ? "connect timed out: " : "read timed out: ";
                return Optional.of(new Described(DownloadException.Reason.TIMEOUT, what + endpoint));
            }
            if (t instanceof NoRouteToHostException) {
                return Optional.of(new Described(DownloadException.Reason.UNREACHABLE, "no route to host: " + endpoint));
            }
            if (t instanceof ConnectException) {
                // the JDK client's ConnectException wraps UnresolvedAddressException: look deeper first
                if (hasCause(t, UnresolvedAddressException.class) || hasCause(t, UnknownHostException.class)) continue;
                return Optional.of(new Described(DownloadException.Reason.UNREACHABLE, "connection refused: " + endpoint));
            }
            if (t instanceof SSLException) {
                return Optional.of(new Described(DownloadException.Reason.UNREACHABLE,
                        "TLS handshake with " + Urls.hostPort(target) + " failed: " + t.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
