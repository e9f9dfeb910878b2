package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Latent previews with --preview-method: binary type 1, or type 4 after feature_flags negotiation (§3.4). */
class PreviewTest extends SharedSimulatorTest {
    @Override
    String[] simulatorArgs() {
        return new String[]{"--preview-method", "auto"};
    }

    private static List<String> sequence(List<JsonNode> frames) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : frames) {
            String t = f.path("type").asText();
            if (t.equals("binary")) out.add("binary" + f.path("event").asInt());
            else if (t.equals("progress") || t.equals("progress_state")) out.add(t);
        }
        return out;
    }

    @Test
    void negotiatedClientsGetType4AfterProgressState() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        ws.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
        ws.awaitType("feature_flags");
        String pid = sim.queuePrompt(Graphs.txt2img(1, 2, "prev"), cid).get("prompt_id").asText();
        List<JsonNode> frames = ws.untilDone(pid);
        List<String> seq = sequence(frames);
        int first = seq.indexOf("binary4");
        assertThat(seq.subList(first - 1, first + 5)).containsExactly("progress_state", "binary4", "progress",
                "progress_state", "binary4", "progress");
        byte[] frame = frames.stream().filter(f -> f.path("type").asText().equals("binary")).findFirst().orElseThrow().path("bytes").binaryValue();
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(b.getInt()).isEqualTo(4);
        int len = b.getInt();
        JsonNode meta = PyJson.loads(new String(frame, 8, len, StandardCharsets.UTF_8));
        assertThat(meta.path("node_id").asText()).isEqualTo("3");
        assertThat(meta.path("prompt_id").asText()).isEqualTo(pid);
        assertThat(meta.path("image_type").asText()).isEqualTo("image/jpeg");
        var img = ImageIO.read(new ByteArrayInputStream(Arrays.copyOfRange(frame, 8 + len, frame.length)));
        assertThat(img.getWidth()).isEqualTo(8);
    }

    @Test
    void legacyClientsGetType1AfterProgress() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String pid = sim.queuePrompt(Graphs.txt2img(2, 2, "prev"), cid).get("prompt_id").asText();
        List<JsonNode> frames = ws.untilDone(pid);
        List<String> seq = sequence(frames);
        int first = seq.indexOf("binary1");
        assertThat(seq.subList(first - 2, first + 1)).containsExactly("progress_state", "progress", "binary1");
        assertThat(seq).doesNotContain("binary4");
        byte[] frame = frames.stream().filter(f -> f.path("type").asText().equals("binary")).findFirst().orElseThrow().path("bytes").binaryValue();
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(ImageIO.read(new ByteArrayInputStream(Arrays.copyOfRange(frame, 8, frame.length)))).isNotNull();
    }

    @Test
    void taesdPreviewsAreImageSizedWithinPreviewSizeOnePerStep(@TempDir Path other) throws Exception {
        try (SimHarness taesd = new SimHarness(other, "--preview-method", "taesd", "--preview-size", "32")) {
            String cid = SimHarness.newClientId();
            WsClient ws = taesd.connectReady(cid);
            String pid = taesd.queuePrompt(Graphs.txt2img(3, 3, "taesd"), cid).get("prompt_id").asText();
            List<JsonNode> previews = ws.untilDone(pid).stream().filter(f -> f.path("type").asText().equals("binary")).toList();
            assertThat(previews).hasSize(3);
            byte[] frame = previews.getFirst().path("bytes").binaryValue();
            assertThat(ByteBuffer.wrap(frame).getInt(0)).isEqualTo(1);
            assertThat(ByteBuffer.wrap(frame).getInt(4)).isEqualTo(1);
            var img = ImageIO.read(new ByteArrayInputStream(Arrays.copyOfRange(frame, 8, frame.length)));
            assertThat(img.getWidth()).isEqualTo(32);
            assertThat(img.getHeight()).isEqualTo(24);
        }
    }
}
