package org.comfyapi.server.comfy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A latent preview from one of ComfyUI's binary frames. Type 4 frames (sent once we announce
 * {@code supports_preview_metadata}) name their prompt and node; type 1 frames do not, so both ids are null.
 */
public record ComfyPreview(String promptId, String nodeId, String mimeType, byte[] image) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PREVIEW_IMAGE = 1;
    private static final int PREVIEW_IMAGE_WITH_METADATA = 4;

    /** The preview in a binary frame, or empty for other frames (progress text) and malformed ones. */
    public static Optional<ComfyPreview> parse(ByteBuffer frame) {
        try {
            ByteBuffer in = frame.duplicate();
            int type = in.getInt();
            if (type == PREVIEW_IMAGE) {
                String mime = in.getInt() == 2 ? "image/png" : "image/jpeg";
                return Optional.of(new ComfyPreview(null, null, mime, rest(in)));
            }
            if (type == PREVIEW_IMAGE_WITH_METADATA) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) return Optional.empty();
                byte[] json = new byte[length];
                in.get(json);
                JsonNode meta = JSON.readTree(new String(json, StandardCharsets.UTF_8));
                String node = meta.path("display_node_id").isTextual() ? meta.get("display_node_id").asText()
                        : meta.path("node_id").asText(null);
                return Optional.of(new ComfyPreview(meta.path("prompt_id").asText(null), node,
                        meta.path("image_type").asText("image/jpeg"), rest(in)));
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** {@code data:image/jpeg;base64,...} */
    public String dataUri() {
        return "data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(image);
    }

    private static byte[] rest(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return bytes;
    }
}
