package org.comfyapi.server.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Standard Webhooks signing, checked against the specification's published example and an independent HMAC. */
class WebhookSignerTest {
    // The example of the Standard Webhooks specification (standard-webhooks.com, "Verifying the signature").
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String PAYLOAD = "{\"test\": 2432232314}";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static WebhookBody body(String text) {
        return new WebhookBody.InMemory(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signsThePublishedExampleExactly() throws Exception {
        assertThat(WebhookSigner.fromSecret(Optional.of(SECRET)).headers(ID, TIMESTAMP, body(PAYLOAD)))
                .containsExactly(
                        entry("webhook-id", ID),
                        entry("webhook-timestamp", "1614265330"),
                        entry("webhook-signature", SIGNATURE));
    }

    @Test
    void theWhsecPrefixIsOptional() throws Exception {
        String bare = SECRET.substring("whsec_".length());
        assertThat(WebhookSigner.fromSecret(Optional.of(bare)).headers(ID, TIMESTAMP, body(PAYLOAD)))
                .containsEntry("webhook-signature", SIGNATURE);
    }

    @Test
    void withoutASecretOnlyIdAndTimestampAreSent() throws Exception {
        assertThat(WebhookSigner.fromSecret(Optional.empty()).headers(ID, TIMESTAMP, body(PAYLOAD)))
                .containsOnlyKeys("webhook-id", "webhook-timestamp");
    }

    @Test
    void aSecretThatIsNotBase64IsUsedAsItsBytes() throws Exception {
        String secret = "not base64 at all!";
        assertThat(WebhookSigner.fromSecret(Optional.of(secret)).headers(ID, TIMESTAMP, body(PAYLOAD)))
                .containsEntry("webhook-signature", "v1," + hmac(secret.getBytes(StandardCharsets.UTF_8),
                        (ID + "." + TIMESTAMP + "." + PAYLOAD).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLargeBodyOnDiskIsSignedWhole(@TempDir Path dir) throws Exception {
        byte[] payload = new byte[200_000 + 17]; // several read buffers and a ragged end
        new Random(5).nextBytes(payload);
        Path file = Files.write(dir.resolve("body.json"), payload);
        byte[] signed = new byte[(ID + "." + TIMESTAMP + ".").length() + payload.length];
        byte[] prefix = (ID + "." + TIMESTAMP + ".").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(payload, 0, signed, prefix.length, payload.length);
        byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));

        assertThat(WebhookSigner.fromSecret(Optional.of(SECRET)).headers(ID, TIMESTAMP, new WebhookBody.OnDisk(file)))
                .containsEntry("webhook-signature", "v1," + hmac(key, signed));
    }

    private static String hmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message));
    }
}
