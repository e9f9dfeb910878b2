package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Binary websocket frames for latent previews (§3.4): type 1 (legacy) and type 4 (with metadata). */
final class PreviewFrames {
    static final int PREVIEW_IMAGE = 1;
    static final int PREVIEW_IMAGE_WITH_METADATA = 4;
    private static final int JPEG = 1;

    private PreviewFrames() {
    }

    static byte[] legacy(byte[] jpeg) {
        return ByteBuffer.allocate(8 + jpeg.length).putInt(PREVIEW_IMAGE).putInt(JPEG).put(jpeg).array();
    }

    static byte[] withMetadata(String promptId, String nodeId, byte[] jpeg) {
        ObjectNode meta = PyJson.object();
        meta.put("node_id", nodeId);
        meta.put("prompt_id", promptId);
        meta.put("display_node_id", nodeId);
        meta.putNull("parent_node_id");
        meta.put("real_node_id", nodeId);
        meta.put("image_type", "image/jpeg");
        byte[] json = PyJson.dumps(meta).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + jpeg.length).putInt(PREVIEW_IMAGE_WITH_METADATA).putInt(json.length)
                .put(json).put(jpeg).array();
    }
}
