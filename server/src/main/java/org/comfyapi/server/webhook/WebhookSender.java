package org.comfyapi.server.webhook;

import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.storage.Urls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs webhook bodies with retries and growing back-off. Callers run it on their own virtual
 * thread, so a receiver that is down or slow only delays its own deliveries.
 */
public final class WebhookSender {
    private static final Log LOG = Log.get("webhook");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final WebhookSigner signer;
    private final int retries;
    private final Duration firstDelay;
    private final Metrics metrics;

    public WebhookSender(HttpClient http, WebhookSigner signer, int retries, Duration firstDelay) {
        this(http, signer, retries, firstDelay, Metrics.NONE);
    }

    public WebhookSender(HttpClient http, WebhookSigner signer, int retries, Duration firstDelay, Metrics metrics) {
        this.metrics = metrics;
        this.http = http;
        this.signer = signer;
        this.retries = retries;
        this.firstDelay = firstDelay;
    }

    /** Delivers one body; true once a receiver answered 2xx, false when every attempt failed. */
    public boolean deliver(URI url, String messageId, WebhookBody body, boolean signed, String requestId)
            throws InterruptedException {
        Duration delay = firstDelay;
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            String problem;
            try {
                long timestamp = System.currentTimeMillis() / 1000;
                HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(body.publisher());
                if (signed) {
                    for (Map.Entry<String, String> h : signer.headers(messageId, timestamp, body).entrySet()) {
                        request.header(h.getKey(), h.getValue());
                    }
                }
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    LOG.debug("webhook delivered", "request_id", requestId, "url", Urls.redact(url), "attempt", attempt);
                    metrics.webhookDelivery(true);
                    return true;
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            LOG.warn("webhook delivery failed", "request_id", requestId, "url", Urls.redact(url), "attempt", attempt,
                    "of", retries + 1, "problem", problem);
            if (attempt <= retries) {
                Thread.sleep(delay);
                delay = delay.multipliedBy(2);
            }
        }
        metrics.webhookDelivery(false);
        return false;
    }
}
