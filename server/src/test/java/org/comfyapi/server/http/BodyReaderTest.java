package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.UnsupportedMediaType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BodyReaderTest {
    @Test
    void onlyJsonInUtf8IsAccepted() {
        for (String ok : new String[] {"application/json", "Application/JSON", "application/json; charset=utf-8",
                "application/json;charset=\"UTF-8\"", "application/json; charset=utf8"}) {
            assertThatCode(() -> BodyReader.requireJson(ok)).as(ok).doesNotThrowAnyException();
        }
        for (String bad : new String[] {null, "", "text/plain", "application/x-www-form-urlencoded",
                "application/json; charset=iso-8859-1", "application/jsonx", "multipart/form-data; boundary=x"}) {
            UnsupportedMediaType e = catchThrowableOfType(UnsupportedMediaType.class, () -> BodyReader.requireJson(bad));
            assertThat(e).as(String.valueOf(bad)).isNotNull();
            assertThat(ErrorResponses.status(e)).isEqualTo(415);
            assertThat(e.location()).isEqualTo("content-type");
        }
    }

    @Test
    void errorBodiesQuoteAtMostOneKilobyteOfAString() {
        ObjectNode body = new ObjectMapper().createObjectNode();
        body.put("error", "x".repeat(5000));
        body.putObject("node_errors").putArray("errors").addObject().put("received_value", "y".repeat(3000)).put("n", 1);
        JsonNode clipped = EchoLimit.clip(body);
        assertThat(clipped.path("error").asText()).isEqualTo("x".repeat(1024) + "... (5000 characters)");
        assertThat(clipped.at("/node_errors/errors/0/received_value").asText()).endsWith("... (3000 characters)");
        assertThat(clipped.at("/node_errors/errors/0/n").asInt()).isEqualTo(1);
        assertThat(body.path("error").asText()).as("the original is untouched").hasSize(5000);
    }
}
