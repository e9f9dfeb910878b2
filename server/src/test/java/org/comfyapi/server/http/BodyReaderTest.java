package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.UnsupportedMediaType;
import org.comfyapi.server.prompt.InputLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
    void aTextInputPastTheLimitIsRefusedWhileParsingByItsField() {
        BodyReader reader = new BodyReader(1 << 20, new InputLimits(16).whileParsing());
        BadInput e = catchThrowableOfType(BadInput.class, () -> reader.json(body(graphWith("text", "a".repeat(17)))));
        assertThat(e.location()).isEqualTo("prompt.6.inputs.text");
        assertThat(e.getMessage()).isEqualTo("String input is longer than MAX_STRING_INPUT_KB (0 KB)");
        assertThat(catchThrowableOfType(BadInput.class, () -> reader.json(body(graphWith("Prompt", "b".repeat(300_000))))).location())
                .as("a long one, refused as it grows").isEqualTo("prompt.6.inputs.Prompt");
        assertThat(reader.json(body(graphWith("text", "a".repeat(16)))).at("/prompt/6/inputs/text").asText()).hasSize(16);
    }

    @Test
    void otherStringsAreLeftToTheChecksAfterParsing() {
        BodyReader reader = new BodyReader(1 << 20, new InputLimits(16).whileParsing());
        String media = "A".repeat(1000);
        assertThat(reader.json(body(graphWith("image", media))).at("/prompt/6/inputs/image").asText())
                .as("media we may fetch").isEqualTo(media);
        String elsewhere = "{\"id\": \"" + "i".repeat(100) + "\", \"text\": \"" + "t".repeat(100) + "\", \"prompt\": {\"6\": "
                + "{\"inputs\": {\"list\": [\"" + "l".repeat(100) + "\"]}, \"text\": \"" + "n".repeat(100) + "\"}}}";
        assertThat(reader.json(body(elsewhere)).at("/prompt/6/inputs/list/0").asText()).hasSize(100);
        assertThat(catchThrowableOfType(BadInput.class, () -> reader.json(body("{\"prompt\": [}"))).getMessage())
                .startsWith("Request body is not valid JSON");
    }

    private static String graphWith(String input, String value) {
        return "{\"prompt\": {\"6\": {\"class_type\": \"CLIPTextEncode\", \"inputs\": {\"clip\": [\"4\", 1], \""
                + input + "\": \"" + value + "\"}}}}";
    }

    private static InputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
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
