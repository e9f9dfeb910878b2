package org.comfyapi.server.webhook;

import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On SaladCloud, keeps the instance deletion cost equal to ComfyUI's queue length, so busy nodes are
 * scaled in last. Only the latest length matters; failures are logged and never fatal.
 */
public final class DeletionCost implements AutoCloseable {
    private static final Log LOG = Log.get("salad");
    private static final int NONE = Integer.MIN_VALUE;

    private final URI endpoint;
    private final HttpClient http;
    private final AtomicInteger pending = new AtomicInteger(NONE);
    private final Object signal = new Object();
    private final Thread worker;
    private int lastSent = NONE;
    private int lastSeen = NONE;

    public DeletionCost(URI base, HttpClient http) {
        this.endpoint = base.resolve("/v1/deletion-cost");
        this.http = http;
        this.worker = Thread.ofVirtual().name("salad-deletion-cost").start(this::run);
    }

    public void accept(ComfyMessage message) {
        if (!message.type().equals("status")) return;
        var remaining = message.data().path("status").path("exec_info").path("queue_remaining");
        if (!remaining.isNumber()) return;
        synchronized (signal) {
            if (remaining.asInt() == lastSeen) return;
            lastSeen = remaining.asInt();
            pending.set(lastSeen);
            signal.notifyAll();
        }
    }

    private void run() {
        try {
            while (true) {
                int value;
                synchronized (signal) {
                    while ((value = pending.getAndSet(NONE)) == NONE) signal.wait();
                }
                if (value == lastSent) continue;
                send(value);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(int cost) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
                .header("Metadata", "true").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deletion_cost\":" + cost + "}")).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                lastSent = cost;
            } else {
                LOG.warn("deletion cost update refused", "status", status, "cost", cost);
            }
        } catch (IOException e) {
            LOG.warn("deletion cost update failed", "cost", cost, "error", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
