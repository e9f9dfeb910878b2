package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** List execution: RebatchImages' list output fans the nodes after it out into one call per item. */
class ListExecutionTest extends SharedSimulatorTest {
    private static final int RED = 0xFF0000;
    private static final int BLUE = 0x0000FF;
    private static final int GREEN = 0x00FF00;

    /** Two red and one blue 8x8 image in one batch, rebatched into batches of {@code batchSize}. */
    private static String rebatched(int batchSize) {
        return """
                "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 2, "color": %d}},
                "2": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": %d}},
                "3": {"class_type": "ImageBatch", "inputs": {"image1": ["1", 0], "image2": ["2", 0]}},
                "4": {"class_type": "RebatchImages", "inputs": {"images": ["3", 0], "batch_size": %d}}
                """.formatted(RED, BLUE, batchSize);
    }

    private JsonNode run(String nodes) throws Exception {
        ObjectNode graph = (ObjectNode) PyJson.loads("{" + nodes + "}");
        String pid = sim.queuePrompt(graph, null).get("prompt_id").asText();
        return sim.awaitHistory(pid);
    }

    /** The centre pixel of every image an output node saved, in the order of its UI list. */
    private List<Integer> savedColours(JsonNode images) throws Exception {
        List<Integer> colours = new ArrayList<>();
        for (JsonNode image : images) {
            byte[] png = sim.getBytes("/view?type=output&filename=" + image.path("filename").asText()).body();
            colours.add(ImageIO.read(new ByteArrayInputStream(png)).getRGB(4, 4) & 0xFFFFFF);
        }
        return colours;
    }

    @Test
    void aListOutputRunsTheNextNodesOncePerItemAndTheirUisAreMerged() throws Exception {
        JsonNode entry = run(rebatched(2) + """
                ,"5": {"class_type": "ImageInvert", "inputs": {"image": ["4", 0]}},
                 "6": {"class_type": "SaveImage", "inputs": {"images": ["5", 0], "filename_prefix": "rebatch"}}
                """);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("success");
        JsonNode images = entry.path("outputs").path("6").path("images");
        assertThat(images).extracting(i -> i.path("filename").asText())
                .containsExactly("rebatch_00001_.png", "rebatch_00002_.png", "rebatch_00003_.png");
        assertThat(savedColours(images)).containsExactly(0x00FFFF, 0x00FFFF, 0xFFFF00);
    }

    @Test
    void shorterListsRepeatTheirLastItem() throws Exception {
        JsonNode entry = run(rebatched(1) + """
                ,"5": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": %d}},
                 "6": {"class_type": "ImageBatch", "inputs": {"image1": ["4", 0], "image2": ["5", 0]}},
                 "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "pairs"}}
                """.formatted(GREEN));
        JsonNode images = entry.path("outputs").path("7").path("images");
        assertThat(savedColours(images)).containsExactly(RED, GREEN, RED, GREEN, BLUE, GREEN);
    }

    @Test
    void aFailingCallReportsEveryListItemAsItsInputs() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        ObjectNode graph = (ObjectNode) PyJson.loads("{" + rebatched(1) + """
                ,"5": {"class_type": "ImageBlur", "inputs": {"image": ["4", 0], "blur_radius": 31, "sigma": 1.0}},
                 "6": {"class_type": "PreviewImage", "inputs": {"images": ["5", 0]}}}
                """);
        String pid = sim.queuePrompt(graph, cid).get("prompt_id").asText();
        JsonNode error = ws.untilDone(pid).stream().filter(f -> f.path("type").asText().equals("execution_error"))
                .findFirst().orElseThrow().path("data");
        assertThat(error.path("node_id").asText()).isEqualTo("5");
        assertThat(error.path("exception_type").asText()).isEqualTo("RuntimeError");
        assertThat(error.path("current_inputs").path("image").size()).isEqualTo(3);
        assertThat(error.path("current_inputs").path("blur_radius").toString()).isEqualTo("[31]");
    }

    @Test
    void objectInfoMarksListOutputs() throws Exception {
        JsonNode rebatch = sim.getJson("/object_info/RebatchImages").path("RebatchImages");
        assertThat(rebatch.path("output_is_list").toString()).isEqualTo("[true]");
        assertThat(rebatch.path("category").asText()).isEqualTo("image/batch");
        assertThat(sim.getJson("/object_info/ImageInvert").path("ImageInvert").path("output_is_list").toString()).isEqualTo("[false]");
    }
}
