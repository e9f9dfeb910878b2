package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;

/** The weight-free core nodes over HTTP: declarations against ComfyUI 0.3.64's, a real execution error, an APNG file. */
class CoreNodesTest extends SharedSimulatorTest {
    private static JsonNode fixture() throws Exception {
        try (InputStream in = CoreNodesTest.class.getResourceAsStream("/object_info_0.3.64.json")) {
            return PyJson.loads(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void declarationsMatchComfyUi() throws Exception {
        JsonNode expected = fixture();
        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(25);
        JsonNode all = sim.getJson("/object_info");
        for (String name : names) {
            JsonNode actual = sim.getJson("/object_info/" + name).path(name);
            assertThat(PyJson.dumps(actual)).as(name).isEqualTo(PyJson.dumps(expected.get(name)));
            assertThat(all.has(name)).as(name).isTrue();
        }
    }

    @Test
    void blurRadiusBeyondTheImageIsAnExecutionErrorLikeTorch() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        ObjectNode graph = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 255}},
                 "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 8, "sigma": 1.0}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "blur", "images": ["2", 0]}}}
                """);
        String pid = sim.queuePrompt(graph, cid).get("prompt_id").asText();
        JsonNode err = ws.untilDone(pid).stream().filter(f -> f.path("type").asText().equals("execution_error")).findFirst()
                .orElseThrow().path("data");
        assertThat(err.path("node_id").asText()).isEqualTo("2");
        assertThat(err.path("node_type").asText()).isEqualTo("ImageBlur");
        assertThat(err.path("exception_type").asText()).isEqualTo("RuntimeError");
        assertThat(err.path("exception_message").asText()).isEqualTo("Argument #4: Padding size should be less than the corresponding "
                + "input dimension, but got: padding (8, 8) at dimension 3 of input [1, 3, 8, 8]\n");
        assertThat(err.path("executed").toString()).isEqualTo("[\"1\"]");
    }

    @Test
    void saveAnimatedPngWritesOneApngWithAFramePerImage() throws Exception {
        ObjectNode graph = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 6, "height": 4, "batch_size": 3, "color": 16711680}},
                 "2": {"class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "anim", "fps": 4.0,
                        "compress_level": 4}}}
                """);
        String pid = sim.queuePrompt(graph, null).get("prompt_id").asText();
        JsonNode out = sim.awaitHistory(pid).path("outputs").path("2");
        assertThat(out.path("animated").toString()).isEqualTo("[true]");
        JsonNode file = out.path("images").get(0);
        assertThat(file.path("filename").asText()).isEqualTo("anim_00001_.png");
        assertThat(file.path("type").asText()).isEqualTo("output");
        Map<String, List<byte[]>> chunks = chunks(Files.readAllBytes(dir.resolve("output").resolve("anim_00001_.png")));
        ByteBuffer actl = ByteBuffer.wrap(chunks.get("acTL").getFirst());
        assertThat(actl.getInt()).as("frames").isEqualTo(3);
        assertThat(chunks.get("fcTL")).hasSize(3);
        assertThat(chunks.get("fdAT")).hasSize(2);
        ByteBuffer fctl = ByteBuffer.wrap(chunks.get("fcTL").getFirst());
        fctl.position(20);
        assertThat(fctl.getShort()).as("delay ms").isEqualTo((short) 250);
        assertThat(new String(chunks.get("comf").getFirst(), StandardCharsets.ISO_8859_1)).startsWith("prompt\0{\"1\": ");
        byte[] viewed = sim.getBytes("/view?filename=anim_00001_.png&type=output").body();
        assertThat(ImageIO.read(new ByteArrayInputStream(viewed)).getRGB(5, 3) & 0xffffff).isEqualTo(0xFF0000);
    }

    private static Map<String, List<byte[]>> chunks(byte[] png) {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        while (b.remaining() >= 12) {
            int len = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            byte[] data = new byte[len];
            b.get(data);
            b.getInt();
            out.computeIfAbsent(new String(type, StandardCharsets.US_ASCII), k -> new ArrayList<>()).add(data);
        }
        return out;
    }
}
