package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.util.List;

/** ImageScale ("Upscale Image"): resize to width x height; 0 keeps the aspect ratio. */
public final class ImageScale extends FixedNode {
    static final int MAX_RESOLUTION = 16384;
    static final List<String> METHODS = List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos");

    public ImageScale() {
        super("ImageScale", "Upscale Image", Family.UPSCALING, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("upscale_method", Spec.combo(METHODS))
                .required("width", Spec.pixels(512, 0, 1))
                .required("height", Spec.pixels(512, 0, 1))
                .required("crop", Spec.combo(List.of("disabled", "center")))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "movedim");
        long width = in.integer("width");
        long height = in.integer("height");
        if (width == 0 && height == 0) return NodeResult.of(batch);
        if (width == 0) width = Math.max(1, Math.round((double) batch.width() * height / batch.height()));
        else if (height == 0) height = Math.max(1, Math.round((double) batch.height() * width / batch.width()));
        int w = (int) width;
        int h = (int) height;
        return NodeResult.of(batch.map(img -> ImageOps.upscale(img, w, h, in.str("upscale_method"), in.str("crop"))));
    }
}
