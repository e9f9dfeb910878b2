package org.comfyapi.server.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A loopback HTTP server for tests: routes by exact path, records every request it sees. */
public final class FileServer implements AutoCloseable {
    public record Seen(String method, URI uri, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().getFirst()).orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();

    public FileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI(), Map.copyOf(exchange.getRequestHeaders())));
            HttpHandler handler = routes.get(exchange.getRequestURI().getPath());
            try {
                if (handler == null) send(exchange, 404, "not found".getBytes(), "text/plain");
                else handler.handle(exchange);
            } catch (IOException e) {
                // the client went away; nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public FileServer route(String path, HttpHandler handler) {
        routes.put(path, handler);
        return this;
    }

    /** Serves fixed bytes with a content type and, optionally, a Content-Disposition. */
    public FileServer file(String path, byte[] body, String contentType, String disposition) {
        return route(path, exchange -> {
            if (disposition != null) exchange.getResponseHeaders().set("Content-Disposition", disposition);
            send(exchange, 200, body, contentType);
        });
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public long count(String path) {
        return seen.stream().filter(s -> s.uri().getPath().equals(path)).count();
    }

    public Seen last(String path) {
        return seen.reversed().stream().filter(s -> s.uri().getPath().equals(path)).findFirst().orElseThrow();
    }

    public static void send(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
        if (contentType != null) exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
