package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.image.WebpEncoder;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** SaveAnimatedWEBP: all batch images as frames of one WebP file (always lossless here). */
public final class SaveAnimatedWebp extends SaveAnimated<byte[]> {
    public SaveAnimatedWebp() {
        super("SaveAnimatedWEBP", "webp");
    }

    @Override
    Spec formatInputs(Spec spec) {
        return spec
                .required("lossless", Spec.type("BOOLEAN", Spec.opts().put("default", true)))
                .required("quality", Spec.intWidget(80, 0, 100))
                .required("method", Spec.combo(List.of("default", "fastest", "slowest")));
    }

    @Override
    byte[] encode(ImageBatch images, int frameMillis, byte[] exif, Inputs in) {
        return WebpEncoder.encode(images.images(), frameMillis, exif);
    }

    @Override
    boolean animated(ImageBatch images) {
        return images.size() != 1;
    }

    /** EXIF tags: 0x0110 "prompt:...", then one per extra_pnginfo key counting down from 0x010f; null when there are none. */
    @Override
    byte[] metadata(Inputs in) {
        SortedMap<Integer, String> tags = new TreeMap<>();
        JsonNode prompt = in.jsonOrNull("prompt");
        if (prompt != null && !prompt.isNull()) tags.put(0x0110, "prompt:" + PyJson.dumps(prompt));
        Map<String, String> extra = SaveImage.metadata(new Inputs(Map.of("extra_pnginfo", in.raw("extra_pnginfo") == null ? PyJson.object() : in.raw("extra_pnginfo"))));
        int tag = 0x010f;
        for (Map.Entry<String, String> e : extra.entrySet()) tags.put(tag--, e.getKey() + ":" + e.getValue());
        return tags.isEmpty() ? null : WebpEncoder.exifAscii(tags);
    }
}
