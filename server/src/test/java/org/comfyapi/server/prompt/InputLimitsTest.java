package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class InputLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InputLimits limits = new InputLimits(16);

    private static ObjectNode graph(String input, String value) throws Exception {
        ObjectNode graph = (ObjectNode) JSON.readTree("{\"7\": {\"class_type\": \"X\", \"inputs\": {}}}");
        ((ObjectNode) graph.at("/7/inputs")).put(input, value);
        return graph;
    }

    private BadInput refused(String input, String value) throws Exception {
        ObjectNode graph = graph(input, value);
        return catchThrowableOfType(BadInput.class, () -> limits.check(graph));
    }

    @Test
    void textLongerThanTheLimitIsRefusedByName() throws Exception {
        BadInput e = refused("text", "a".repeat(17));
        assertThat(e.location()).isEqualTo("prompt.7.inputs.text");
        assertThat(e.getMessage()).isEqualTo("String input is longer than MAX_STRING_INPUT_KB (0 KB)");
        assertThat(refused("text", "é".repeat(9))).as("counted in UTF-8 bytes").isNotNull();
        assertThatCode(() -> limits.check(graph("text", "a".repeat(16)))).doesNotThrowAnyException();
    }

    @Test
    void mediaWeFetchMayBeLonger() {
        assertThatCode(() -> limits.check(graph("image", "https://example.com/" + "a".repeat(64) + ".png")))
                .doesNotThrowAnyException();
        assertThatCode(() -> limits.check(graph("image", "A".repeat(100)))).as("raw base64").doesNotThrowAnyException();
    }

    @Test
    void filenamePrefixStaysInsideTheOutputFolder() throws Exception {
        for (String prefix : new String[] {"../x", "a/../../x", "..", "/abs", "\\\\server\\x", "C:x", "a\\..\\..\\x"}) {
            BadInput e = refused("filename_prefix", prefix);
            assertThat(e).as(prefix).isNotNull();
            assertThat(e.location()).isEqualTo("prompt.7.inputs.filename_prefix");
        }
        for (String prefix : new String[] {"cat", "renders/cat", "a..b", "..cat", "v1.2/x"}) {
            assertThatCode(() -> limits.check(graph("filename_prefix", prefix))).as(prefix).doesNotThrowAnyException();
        }
    }
}
