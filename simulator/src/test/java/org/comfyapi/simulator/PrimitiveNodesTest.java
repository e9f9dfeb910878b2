package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Primitive* nodes feed PreviewAny, whose history output is {"text": [...]}. */
class PrimitiveNodesTest extends SharedSimulatorTest {
    private JsonNode previewText(String classType, String value) throws Exception {
        ObjectNode graph = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "%s", "inputs": {"value": %s}},
                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
                """.formatted(classType, value));
        String pid = sim.queuePrompt(graph, null).get("prompt_id").asText();
        JsonNode entry = sim.awaitHistory(pid);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("success");
        return entry.path("outputs").path("2");
    }

    @Test
    void primitivesReachPreviewAnyAsPythonStrings() throws Exception {
        assertThat(previewText("PrimitiveString", "\"hello\"").toString()).isEqualTo("{\"text\":[\"hello\"]}");
        assertThat(previewText("PrimitiveStringMultiline", "\"two\\nlines\"").path("text").get(0).asText()).isEqualTo("two\nlines");
        assertThat(previewText("PrimitiveInt", "-42").path("text").get(0).asText()).isEqualTo("-42");
        assertThat(previewText("PrimitiveFloat", "2.5").path("text").get(0).asText()).isEqualTo("2.5");
        assertThat(previewText("PrimitiveFloat", "3").path("text").get(0).asText()).isEqualTo("3.0");
        assertThat(previewText("PrimitiveBoolean", "true").path("text").get(0).asText()).isEqualTo("True");
    }

    @Test
    void previewAnyWithAConstantIsAnOutputNode() throws Exception {
        ObjectNode graph = (ObjectNode) PyJson.loads("{\"1\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": \"plain\"}}}");
        String pid = sim.queuePrompt(graph, null).get("prompt_id").asText();
        assertThat(sim.awaitHistory(pid).path("outputs").path("1").path("text").get(0).asText()).isEqualTo("plain");
    }

    @Test
    void primitivesUseTheV3Serializer() throws Exception {
        JsonNode info = sim.getJson("/object_info/PrimitiveInt").path("PrimitiveInt");
        assertThat(info.path("input").toString()).isEqualTo(
                "{\"required\":{\"value\":[\"INT\",{\"min\":-9223372036854775807,\"max\":9223372036854775807,\"control_after_generate\":true}]}}");
        assertThat(info.path("output_tooltips").toString()).isEqualTo("[null]");
        assertThat(info.path("deprecated").asBoolean(true)).isFalse();
        assertThat(info.path("api_node").isBoolean()).isTrue();
        assertThat(info.path("python_module").asText()).isEqualTo("comfy_extras.nodes_primitive");
        JsonNode any = sim.getJson("/object_info/PreviewAny").path("PreviewAny");
        assertThat(any.path("output_node").asBoolean()).isTrue();
        assertThat(any.path("input").path("required").path("source").toString()).isEqualTo("[\"*\",{}]");
        assertThat(any.has("deprecated")).isFalse();
    }
}
