package org.comfyapi.server.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed
 * with the base64-decoded {@code WEBHOOK_SECRET} (an optional {@code whsec_} prefix stripped).
 */
public final class WebhookSigner {
    private final byte[] key;

    private WebhookSigner(byte[] key) {
        this.key = key;
    }

    public static WebhookSigner fromSecret(Optional<String> secret) {
        if (secret.isEmpty()) return new WebhookSigner(null);
        String value = secret.get().startsWith("whsec_") ? secret.get().substring(6) : secret.get();
        try {
            return new WebhookSigner(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            return new WebhookSigner(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The three webhook-* headers for a body; without a secret only id and timestamp. */
    public Map<String, String> headers(String id, long timestampSeconds, WebhookBody body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestampSeconds));
        if (key != null) headers.put("webhook-signature", "v1," + sign(id, timestampSeconds, body));
        return headers;
    }

    private String sign(String id, long timestamp, WebhookBody body) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            try (InputStream in = body.open()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) mac.update(buffer, 0, n);
            }
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
