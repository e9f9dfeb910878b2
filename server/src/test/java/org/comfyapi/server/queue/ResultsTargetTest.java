package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anS3PrefixBecomesTheS3Upload() {
        ObjectNode body = JSON.createObjectNode();
        ResultsTarget.apply(body, "s3://results-bucket/fleet/out/");
        assertThat(body.get("s3").get("bucket").asText()).isEqualTo("results-bucket");
        assertThat(body.get("s3").get("prefix").asText()).isEqualTo("fleet/out/");
    }

    @Test
    void anAzureBlobUrlBecomesTheAzureUpload() {
        ObjectNode body = JSON.createObjectNode();
        ResultsTarget.apply(body, "https://account.blob.core.windows.net/outputs/fleet/");
        assertThat(body.get("azure_blob_upload").get("container").asText()).isEqualTo("outputs");
        assertThat(body.get("azure_blob_upload").get("blob_prefix").asText()).isEqualTo("fleet/");
    }

    @Test
    void anyOtherHttpUrlBecomesAnHttpUpload() {
        ObjectNode body = JSON.createObjectNode();
        ResultsTarget.apply(body, "https://files.example.com/put/here/");
        assertThat(body.get("http_upload").get("url_prefix").asText()).isEqualTo("https://files.example.com/put/here/");
    }

    @Test
    void aWebhookOrAnUploadIsADeliveryAlready() {
        assertThat(ResultsTarget.hasDelivery(JSON.createObjectNode().put("webhook_v2", "https://x/y"))).isTrue();
        assertThat(ResultsTarget.hasDelivery((ObjectNode) JSON.createObjectNode().set("s3", JSON.createObjectNode()))).isTrue();
        assertThat(ResultsTarget.hasDelivery(JSON.createObjectNode().put("async", true))).isFalse();
        assertThat(ResultsTarget.hasDelivery(JSON.createObjectNode().putNull("webhook"))).isFalse();
    }
}
