package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /prompt validation: exact 400 bodies, coercion, partial validity (§2.2). */
class ValidationTest extends SharedSimulatorTest {
    private JsonNode rejected(ObjectNode graph) throws Exception {
        ObjectNode body = PyJson.object();
        body.set("prompt", graph);
        HttpResponse<String> r = sim.post("/prompt", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return PyJson.loads(r.body());
    }

    private static JsonNode onlyError(JsonNode body, String nodeId) {
        JsonNode errors = body.path("node_errors").path(nodeId).path("errors");
        assertThat(errors.size()).as(body.toString()).isEqualTo(1);
        return errors.get(0);
    }

    @Test
    void earlyErrors() throws Exception {
        HttpResponse<String> r = sim.post("/prompt", "{\"client_id\": \"x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"error\": {\"type\": \"no_prompt\", \"message\": \"No prompt provided\", "
                + "\"details\": \"No prompt provided\", \"extra_info\": {}}, \"node_errors\": {}}");

        JsonNode unknown = rejected((ObjectNode) PyJson.loads("{\"1\": {\"class_type\": \"Bogus\", \"inputs\": {}}}"));
        assertThat(PyJson.dumps(unknown)).isEqualTo("{\"error\": {\"type\": \"invalid_prompt\", \"message\": "
                + "\"Cannot execute because node Bogus does not exist.\", \"details\": \"Node ID '#1'\", \"extra_info\": {}}, \"node_errors\": {}}");

        JsonNode missing = rejected((ObjectNode) PyJson.loads("{\"7\": {\"inputs\": {}}}"));
        assertThat(missing.path("error").path("message").asText()).isEqualTo("Cannot execute because a node is missing the class_type property.");
        assertThat(missing.path("error").path("details").asText()).isEqualTo("Node ID '#7'");

        JsonNode noOutputs = rejected((ObjectNode) PyJson.loads("{\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {}}}"));
        assertThat(PyJson.dumps(noOutputs.get("error"))).isEqualTo(
                "{\"type\": \"prompt_no_outputs\", \"message\": \"Prompt has no outputs\", \"details\": \"\", \"extra_info\": {}}");
    }

    @Test
    void malformedJsonIsA500InPlainText() throws Exception {
        HttpResponse<String> r = sim.post("/prompt", "{not json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(sim.post("/queue", "").statusCode()).isEqualTo(500);
        assertThat(sim.post("/free", "").statusCode()).isEqualTo(500);
        assertThat(sim.post("/interrupt", "").statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesAboveMaxUploadSizeGet413() throws Exception {
        try (SimHarness small = new SimHarness(dir.resolve("small"), "--max-upload-size", "0.001")) {
            HttpResponse<String> r = small.post("/prompt", "{\"prompt\": {}, \"pad\": \"" + "x".repeat(2000) + "\"}");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).startsWith("Maximum request body size 1048.576 exceeded");
            assertThat(small.getJson("/features").path("max_upload_size").asDouble()).isEqualTo(1048.576);
        }
    }

    @Test
    void upstreamComboErrorHasEmptyDetailsAndNullConfigForLongLists() throws Exception {
        ObjectNode g = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) g.get("3").get("inputs")).put("sampler_name", "bogus");
        JsonNode body = rejected(g);
        assertThat(PyJson.dumps(body.get("error"))).isEqualTo("{\"type\": \"prompt_outputs_failed_validation\", "
                + "\"message\": \"Prompt outputs failed validation\", \"details\": \"\", \"extra_info\": {}}");
        assertThat(PyJson.dumps(body.get("node_errors"))).isEqualTo("{\"3\": {\"errors\": [{\"type\": \"value_not_in_list\", "
                + "\"message\": \"Value not in list\", \"details\": \"sampler_name: 'bogus' not in (list of length 42)\", "
                + "\"extra_info\": {\"input_name\": \"sampler_name\", \"input_config\": null, \"received_value\": \"bogus\"}}], "
                + "\"dependent_outputs\": [\"9\"], \"class_type\": \"KSampler\"}}");
    }

    @Test
    void shortComboListsAreSpelledOut() throws Exception {
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "bogus", "width": 4, "height": 4, "crop": "disabled"}},
                 "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}""");
        JsonNode err = onlyError(rejected(g), "2");
        assertThat(err.path("details").asText()).isEqualTo("upscale_method: 'bogus' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']");
        assertThat(PyJson.dumps(err.path("extra_info").path("input_config")))
                .isEqualTo("[[\"nearest-exact\", \"bilinear\", \"area\", \"bicubic\", \"lanczos\"], {}]");
    }

    @Test
    void errorsOnTheOutputNodeItselfAreListedInDetails() throws Exception {
        ObjectNode g = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) g.get("9").get("inputs")).remove("images");
        JsonNode body = rejected(g);
        assertThat(body.path("error").path("details").asText()).isEqualTo("Required input is missing: images");
        JsonNode err = onlyError(body, "9");
        assertThat(PyJson.dumps(err)).isEqualTo("{\"type\": \"required_input_missing\", \"message\": \"Required input is missing\", "
                + "\"details\": \"images\", \"extra_info\": {\"input_name\": \"images\"}}");
    }

    @Test
    void numericAndTypeErrors() throws Exception {
        ObjectNode g = Graphs.txt2img(1, 2, "v");
        ObjectNode ks = (ObjectNode) g.get("3").get("inputs");
        ks.put("steps", "abc");
        JsonNode err = onlyError(rejected(g), "3");
        assertThat(err.path("type").asText()).isEqualTo("invalid_input_type");
        assertThat(err.path("message").asText()).isEqualTo("Failed to convert an input value to a INT value");
        assertThat(err.path("details").asText()).isEqualTo("steps, abc, invalid literal for int() with base 10: 'abc'");

        ks.put("steps", 0);
        err = onlyError(rejected(g), "3");
        assertThat(err.path("type").asText()).isEqualTo("value_smaller_than_min");
        assertThat(err.path("message").asText()).isEqualTo("Value 0 smaller than min of 1");
        assertThat(err.path("details").asText()).isEqualTo("steps");

        ks.put("steps", 2);
        ks.put("cfg", 101);
        err = onlyError(rejected(g), "3");
        assertThat(err.path("type").asText()).isEqualTo("value_bigger_than_max");
        assertThat(err.path("message").asText()).isEqualTo("Value 101.0 bigger than max of 100.0");
        assertThat(err.path("extra_info").path("received_value").isDouble()).isTrue();
    }

    @Test
    void linkErrors() throws Exception {
        ObjectNode g = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) g.get("3").get("inputs")).set("model", PyJson.loads("[\"4\", 1]"));
        JsonNode err = onlyError(rejected(g), "3");
        assertThat(err.path("type").asText()).isEqualTo("return_type_mismatch");
        assertThat(err.path("details").asText()).isEqualTo("model, received_type(CLIP) mismatch input_type(MODEL)");
        assertThat(PyJson.dumps(err.path("extra_info"))).isEqualTo("{\"input_name\": \"model\", \"input_config\": [\"MODEL\", "
                + "{\"tooltip\": \"The model used for denoising the input latent.\"}], \"received_type\": \"CLIP\", \"linked_node\": [\"4\", 1]}");

        g = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) g.get("3").get("inputs")).set("model", PyJson.loads("[\"4\", 0, 1]"));
        err = onlyError(rejected(g), "3");
        assertThat(err.path("type").asText()).isEqualTo("bad_linked_input");
        assertThat(err.path("message").asText()).isEqualTo("Bad linked input, must be a length-2 list of [node_id, slot_index]");

        g = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) g.get("3").get("inputs")).set("model", PyJson.loads("[\"99\", 0]"));
        JsonNode body = rejected(g);
        err = onlyError(body, "3");
        assertThat(err.path("type").asText()).isEqualTo("exception_during_inner_validation");
        assertThat(err.path("details").asText()).isEqualTo("'99'");
        JsonNode ei = err.path("extra_info");
        assertThat(ei.path("input_name").asText()).isEqualTo("samples");
        assertThat(ei.path("exception_type").asText()).isEqualTo("KeyError");
        assertThat(ei.path("traceback").isArray()).isTrue();
        assertThat(PyJson.dumps(ei.path("linked_node"))).isEqualTo("[\"3\", 0]");
        assertThat(body.path("node_errors").path("3").path("dependent_outputs").get(0).asText()).isEqualTo("9");
    }

    @Test
    void missingLoadImageFileFailsCustomValidationButPartialGraphIsAccepted() throws Exception {
        ObjectNode g = Graphs.txt2img(5, 1, "partial");
        g.set("20", PyJson.loads("{\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"nope.png\"}}"));
        g.set("21", PyJson.loads("{\"class_type\": \"PreviewImage\", \"inputs\": {\"images\": [\"20\", 0]}}"));
        ObjectNode body = PyJson.object();
        body.set("prompt", g);
        HttpResponse<String> r = sim.post("/prompt", body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode resp = PyJson.loads(r.body());
        assertThat(PyJson.dumps(resp.get("node_errors"))).isEqualTo("{\"20\": {\"errors\": [{\"type\": \"custom_validation_failed\", "
                + "\"message\": \"Custom validation failed for node\", \"details\": \"image - Invalid image file: nope.png\", "
                + "\"extra_info\": {\"input_name\": \"image\"}}], \"dependent_outputs\": [\"21\"], \"class_type\": \"LoadImage\"}}");
        JsonNode entry = sim.awaitHistory(resp.get("prompt_id").asText());
        assertThat(entry.path("prompt").get(4).toString()).isEqualTo("[\"9\"]");
        assertThat(entry.path("outputs").has("9")).isTrue();
        assertThat(entry.path("outputs").has("21")).isFalse();
    }

    @Test
    void coercionIsStoredAndCounterHasGaps() throws Exception {
        ObjectNode bad = Graphs.txt2img(1, 2, "v");
        ((ObjectNode) bad.get("3").get("inputs")).put("sampler_name", "bogus");
        JsonNode before = sim.queuePrompt(Graphs.txt2img(1, 2, "gap"), null);
        rejected(bad);
        ObjectNode g = Graphs.txt2img(2, 2, "gap");
        ObjectNode ks = (ObjectNode) g.get("3").get("inputs");
        ks.put("steps", "2");
        ks.put("seed", 7.9);
        ObjectNode body = PyJson.object();
        body.set("prompt", g);
        body.put("prompt_id", "my-own-id");
        JsonNode after = PyJson.loads(sim.post("/prompt", body).body());
        assertThat(after.get("prompt_id").asText()).isEqualTo("my-own-id");
        assertThat(after.get("number").asLong()).isEqualTo(before.get("number").asLong() + 2);
        JsonNode stored = sim.awaitHistory("my-own-id").path("prompt").get(2).path("3").path("inputs");
        assertThat(stored.path("steps").isIntegralNumber()).isTrue();
        assertThat(stored.path("steps").asInt()).isEqualTo(2);
        assertThat(stored.path("seed").asLong()).isEqualTo(7);
        assertThat(stored.path("cfg").isDouble()).isTrue();

        ObjectNode withNull = PyJson.object();
        withNull.set("prompt", Graphs.txt2img(3, 1, "gap"));
        withNull.putNull("prompt_id");
        withNull.put("number", 5);
        HttpResponse<String> r = sim.post("/prompt", withNull);
        assertThat(r.body()).startsWith("{\"prompt_id\": \"None\", \"number\": 5.0, \"node_errors\": {}}");
    }

    @Test
    void partialExecutionTargetsNarrowTheOutputs() throws Exception {
        ObjectNode g = Graphs.txt2img(9, 1, "targets");
        g.set("10", PyJson.loads("{\"class_type\": \"PreviewImage\", \"inputs\": {\"images\": [\"8\", 0]}}"));
        ObjectNode body = PyJson.object();
        body.set("prompt", g);
        ArrayNode targets = body.putArray("partial_execution_targets");
        targets.add("10");
        JsonNode resp = PyJson.loads(sim.post("/prompt", body).body());
        JsonNode entry = sim.awaitHistory(resp.get("prompt_id").asText());
        assertThat(entry.path("prompt").get(4).toString()).isEqualTo("[\"10\"]");
        assertThat(entry.path("outputs").has("9")).isFalse();
        assertThat(entry.path("outputs").path("10").path("images").get(0).path("type").asText()).isEqualTo("temp");
    }
}
