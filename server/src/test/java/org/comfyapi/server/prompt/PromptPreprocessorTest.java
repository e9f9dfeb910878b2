package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptPreprocessorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode graph(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void prependsTheRequestIdToEveryFilenamePrefix() throws Exception {
        ObjectNode prompt = graph("""
                {"1": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["2", 0]}},
                 "3": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "renders/cat"}},
                 "2": {"class_type": "EmptyImage", "inputs": {"width": 8}}}""");
        ObjectNode out = new PromptPreprocessor(true).apply(prompt, "req1");
        assertThat(out.at("/1/inputs/filename_prefix").asText()).isEqualTo("req1_ComfyUI");
        assertThat(out.at("/3/inputs/filename_prefix").asText()).isEqualTo("renders/req1_cat");
        assertThat(out.at("/2/inputs/width").asInt()).isEqualTo(8);
        assertThat(prompt.at("/1/inputs/filename_prefix").asText()).as("the request is not mutated").isEqualTo("ComfyUI");
    }

    @Test
    void legacyModeReplacesThePrefixWithTheId() throws Exception {
        ObjectNode out = new PromptPreprocessor(false).apply(
                graph("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"x/ComfyUI\"}}}"), "abc");
        assertThat(out.at("/1/inputs/filename_prefix").asText()).isEqualTo("abc");
    }

    @Test
    void refusesAGraphThatSavesNothing() throws Exception {
        assertThatThrownBy(() -> new PromptPreprocessor(true).apply(
                graph("{\"1\": {\"class_type\": \"PreviewImage\", \"inputs\": {}}}"), "abc"))
                .isInstanceOfSatisfying(BadInput.class, e -> {
                    assertThat(e.getMessage())
                            .isEqualTo("Prompt must contain a node with a \"filename_prefix\" input, such as \"SaveImage\"");
                    assertThat(e.location()).isEqualTo("prompt");
                });
    }

    @Test
    void requestParsingNamesTheBadField() throws Exception {
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree("[1]")))
                .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.location()).isEqualTo("body"));
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree("{\"prompt\": \"x\"}")))
                .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.location()).isEqualTo("prompt"));
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree("{}")))
                .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.location()).isEqualTo("prompt"));
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree("{\"prompt\": {\"1\": {\"inputs\": {}}}}")))
                .isInstanceOfSatisfying(BadInput.class,
                        e -> assertThat(e.location()).isEqualTo("prompt.1.class_type"));
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree(
                "{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": 3}}}")))
                .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.location()).isEqualTo("prompt.1.inputs"));
        assertThatThrownBy(() -> PromptRequest.parse(JSON.readTree(
                "{\"id\": \"../etc\", \"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}}")))
                .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.location()).isEqualTo("id"));
        PromptRequest ok = PromptRequest.parse(JSON.readTree("{\"prompt\": {\"1\": {\"class_type\": \"X\", \"inputs\": {}}}}"));
        assertThat(ok.id()).matches("[0-9a-f-]{36}");
    }
}
