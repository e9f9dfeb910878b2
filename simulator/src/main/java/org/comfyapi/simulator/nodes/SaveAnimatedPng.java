package org.comfyapi.simulator.nodes;

import org.comfyapi.simulator.image.ApngEncoder;

import java.util.Map;

/** SaveAnimatedPNG: all batch images as frames of one APNG; ui {"images": [...], "animated": [true]}. */
public final class SaveAnimatedPng extends SaveAnimated<Map<String, String>> {
    public SaveAnimatedPng() {
        super("SaveAnimatedPNG", "png");
    }

    @Override
    Spec formatInputs(Spec spec) {
        return spec.required("compress_level", Spec.intWidget(4, 0, 9));
    }

    @Override
    Map<String, String> metadata(Inputs in) {
        return SaveImage.metadata(in);
    }

    @Override
    byte[] encode(ImageBatch images, int frameMillis, Map<String, String> metadata, Inputs in) {
        return ApngEncoder.encode(images.images(), frameMillis, metadata, (int) in.integer("compress_level"));
    }

    @Override
    boolean animated(ImageBatch images) {
        return true;
    }
}
