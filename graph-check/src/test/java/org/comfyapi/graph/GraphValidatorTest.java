package org.comfyapi.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph check against an /object_info document, as ComfyUI 0.3.64 answers POST /prompt. */
class GraphValidatorTest {
    private static final JsonNode OBJECT_INFO = PyJson.loads("""
            {
              "EmptyImage": {"input": {"required": {
                  "width": ["INT", {"default": 512, "min": 1, "max": 16384}],
                  "height": ["INT", {"default": 512, "min": 1, "max": 16384}],
                  "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                  "color": ["INT", {"default": 0, "min": 0, "max": 16777215}]}},
                "output": ["IMAGE"], "output_node": false, "name": "EmptyImage"},
              "LoadImage": {"input": {"required": {"image": [["a.png", "b.png"], {"image_upload": true}]}},
                "output": ["IMAGE", "MASK"], "output_node": false, "name": "LoadImage"},
              "ImageScale": {"input": {"required": {
                  "image": ["IMAGE"],
                  "upscale_method": [["nearest-exact", "bilinear"]],
                  "width": ["INT", {"default": 512, "min": 0, "max": 16384}],
                  "height": ["INT", {"default": 512, "min": 0, "max": 16384}],
                  "crop": ["COMBO", {"options": ["disabled", "center"]}]}},
                "output": ["IMAGE"], "output_node": false, "name": "ImageScale"},
              "SaveImage": {"input": {"required": {"images": ["IMAGE"],
                  "filename_prefix": ["STRING", {"default": "ComfyUI"}]}, "hidden": {"prompt": "PROMPT"}},
                "output": [], "output_node": true, "name": "SaveImage"}
            }
            """);

    private final GraphValidator validator = new GraphValidator(new ObjectInfoCatalog(OBJECT_INFO));

    private static ObjectNode graph(String source, String sourceInputs) {
        return (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "%s", "inputs": %s},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
                """.formatted(source, sourceInputs));
    }

    private static ObjectNode emptyImage(String width) {
        return graph("EmptyImage", "{\"width\": " + width + ", \"height\": 8, \"batch_size\": 1, \"color\": 0}");
    }

    private GraphValidator.Result check(ObjectNode prompt) {
        return validator.validatePrompt(prompt, null);
    }

    @Test
    void aGoodGraphPassesAndItsNumbersAreCoerced() {
        ObjectNode prompt = emptyImage("\"8\"");
        GraphValidator.Result result = check(prompt);
        assertThat(result.ok()).isTrue();
        assertThat(result.goodOutputs()).containsExactly("2");
        assertThat(prompt.at("/1/inputs/width").isInt()).isTrue();
    }

    @Test
    void numberBelowMinimumNamesTheInput() {
        GraphValidator.Result result = check(emptyImage("0"));
        assertThat(result.ok()).isFalse();
        assertThat(result.error().path("type").asText()).isEqualTo("prompt_outputs_failed_validation");
        assertThat(result.error().path("message").asText()).isEqualTo("Prompt outputs failed validation");
        assertThat(result.nodeErrors().at("/1/errors/0/type").asText()).isEqualTo("value_smaller_than_min");
        assertThat(result.nodeErrors().at("/1/dependent_outputs/0").asText()).isEqualTo("2");
        FirstError first = FirstError.of(result.error(), result.nodeErrors());
        assertThat(first.message()).isEqualTo("node 1 (EmptyImage) input width: Value 0 smaller than min of 1");
        assertThat(first.location()).isEqualTo("prompt.1.inputs.width");
    }

    @Test
    void numberAboveMaximum() {
        GraphValidator.Result result = check(emptyImage("20000"));
        assertThat(result.nodeErrors().at("/1/errors/0/message").asText()).isEqualTo("Value 20000 bigger than max of 16384");
    }

    @Test
    void unconvertibleNumber() {
        GraphValidator.Result result = check(emptyImage("\"wide\""));
        assertThat(result.nodeErrors().at("/1/errors/0/type").asText()).isEqualTo("invalid_input_type");
        assertThat(FirstError.of(result.error(), result.nodeErrors()).message())
                .startsWith("node 1 (EmptyImage) input width: Failed to convert an input value to a INT value: wide, ");
    }

    @Test
    void missingRequiredInput() {
        GraphValidator.Result result = check(graph("EmptyImage", "{\"height\": 8, \"batch_size\": 1, \"color\": 0}"));
        assertThat(result.nodeErrors().at("/1/errors/0/type").asText()).isEqualTo("required_input_missing");
        assertThat(FirstError.of(result.error(), result.nodeErrors()).message())
                .isEqualTo("node 1 (EmptyImage) input width: Required input is missing");
    }

    @Test
    void valueNotAmongTheChoicesOfAListOrACombo() {
        ObjectNode prompt = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "3": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "bogus",
                       "width": 4, "height": 4, "crop": "sideways"}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}}}
                """);
        GraphValidator.Result result = check(prompt);
        assertThat(result.nodeErrors().at("/3/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(result.nodeErrors().at("/3/errors/1/details").asText())
                .isEqualTo("crop: 'sideways' not in ['disabled', 'center']");
        FirstError first = FirstError.of(result.error(), result.nodeErrors());
        assertThat(first.message()).isEqualTo(
                "node 3 (ImageScale) input upscale_method: Value not in list: 'bogus' not in ['nearest-exact', 'bilinear']");
        assertThat(first.location()).isEqualTo("prompt.3.inputs.upscale_method");
    }

    @Test
    void deferredInputsSkipTheChoicesCheck() {
        ObjectNode prompt = graph("LoadImage", "{\"image\": \"https://example.com/cat.png\"}");
        assertThat(check(prompt.deepCopy()).ok()).isFalse();
        assertThat(validator.validatePrompt(prompt, null, (node, input) -> node.equals("1") && input.equals("image")).ok())
                .isTrue();
    }

    @Test
    void fileLoadersCheckTheFileAsTheirValidateInputsDoes() {
        assertThat(check(graph("LoadImage", "{\"image\": \"a.png\"}")).ok()).isTrue();
        assertThat(check(graph("LoadImage", "{\"image\": \"a.png [input]\"}")).ok()).isTrue();
        assertThat(check(graph("LoadImage", "{\"image\": \"render.png [output]\"}")).ok()).isTrue();
        GraphValidator.Result missing = check(graph("LoadImage", "{\"image\": \"c.png\"}"));
        assertThat(missing.nodeErrors().at("/1/errors/0/type").asText()).isEqualTo("custom_validation_failed");
        assertThat(FirstError.of(missing.error(), missing.nodeErrors()).message())
                .isEqualTo("node 1 (LoadImage) input image: Custom validation failed for node: Invalid image file: c.png");
    }

    @Test
    void linkToAMissingNodeOrOutput() {
        ObjectNode missingNode = (ObjectNode) PyJson.loads("""
                {"2": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "x"}}}""");
        GraphValidator.Result result = check(missingNode);
        assertThat(result.nodeErrors().at("/2/errors/0/type").asText()).isEqualTo("exception_during_validation");
        assertThat(result.nodeErrors().at("/2/errors/0/details").asText()).isEqualTo("'9'");
        assertThat(FirstError.of(result.error(), result.nodeErrors()).location()).isEqualTo("prompt.2");

        ObjectNode missingOutput = emptyImage("8");
        ((ObjectNode) missingOutput.at("/2/inputs")).set("images", PyJson.loads("[\"1\", 3]"));
        assertThat(check(missingOutput).nodeErrors().at("/2/errors/0/details").asText()).isEqualTo("tuple index out of range");
    }

    @Test
    void wrongTypeOnALink() {
        ObjectNode prompt = graph("LoadImage", "{\"image\": \"a.png\"}");
        ((ObjectNode) prompt.at("/2/inputs")).set("images", PyJson.loads("[\"1\", 1]"));
        GraphValidator.Result result = check(prompt);
        assertThat(result.nodeErrors().at("/2/errors/0/type").asText()).isEqualTo("return_type_mismatch");
        assertThat(FirstError.of(result.error(), result.nodeErrors()).message()).isEqualTo(
                "node 2 (SaveImage) input images: Return type mismatch between linked nodes: "
                        + "received_type(MASK) mismatch input_type(IMAGE)");
    }

    @Test
    void unknownClassAndNoOutputs() {
        GraphValidator.Result unknown = check((ObjectNode) PyJson.loads("{\"5\": {\"class_type\": \"Nope\", \"inputs\": {}}}"));
        assertThat(unknown.error().path("type").asText()).isEqualTo("invalid_prompt");
        FirstError first = FirstError.of(unknown.error(), unknown.nodeErrors());
        assertThat(first.message()).isEqualTo("Cannot execute because node Nope does not exist.");
        assertThat(first.location()).isEqualTo("prompt.5.class_type");

        GraphValidator.Result none = check((ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}"""));
        assertThat(none.error().path("type").asText()).isEqualTo("prompt_no_outputs");
        assertThat(FirstError.of(none.error(), none.nodeErrors())).isEqualTo(new FirstError("Prompt has no outputs", "prompt"));
    }
}
