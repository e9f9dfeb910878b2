package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A webhook receiver on loopback that records what it gets and can fail or stall on purpose. */
final class WebhookReceiver implements AutoCloseable {
    record Received(String method, String path, Map<String, String> headers, String body, byte[] bytes) {
        JsonNode json() {
            try {
                return TestServer.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> stalls = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            inFlight.incrementAndGet();
            try {
                String path = exchange.getRequestURI().getPath();
                CountDownLatch stall = stalls.get(path);
                if (stall != null) stall.await();
                byte[] bytes = exchange.getRequestBody().readAllBytes();
                String body = new String(bytes);
                Map<String, String> headers = new ConcurrentHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.getFirst()));
                AtomicInteger fail = failuresLeft.get(path);
                int status = fail != null && fail.getAndDecrement() > 0 ? 500 : 200;
                synchronized (received) {
                    received.add(new Received(exchange.getRequestMethod(), path, headers, body, bytes));
                    received.notifyAll();
                }
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
                inFlight.decrementAndGet();
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void failTimes(String path, int times) {
        failuresLeft.put(path, new AtomicInteger(times));
    }

    /** Requests to the path hang, their bodies unread, until {@link #release}. */
    void stall(String path) {
        stalls.put(path, new CountDownLatch(1));
    }

    void release(String path) {
        CountDownLatch latch = stalls.remove(path);
        if (latch != null) latch.countDown();
    }

    List<Received> all(Predicate<Received> filter) {
        synchronized (received) {
            return received.stream().filter(filter).toList();
        }
    }

    List<Received> awaitCount(Predicate<Received> filter, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                List<Received> matching = received.stream().filter(filter).toList();
                if (matching.size() >= count) return matching;
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("expected " + count + " requests, got " + matching);
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        stalls.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
