package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.util.List;

/** ImageScaleBy ("Upscale Image By"): round(size * scale_by) on both axes, no crop. */
public final class ImageScaleBy extends NodeType {
    @Override
    public String name() {
        return "ImageScaleBy";
    }

    @Override
    public String displayName() {
        return "Upscale Image By";
    }

    @Override
    public String category() {
        return "image/upscaling";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("upscale_method", Spec.combo(List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos")))
                .required("scale_by", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.01, 8.0, 0.01)))
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("IMAGE");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "movedim");
        double scale = in.dbl("scale_by");
        int w = (int) Math.rint(batch.width() * scale);
        int h = (int) Math.rint(batch.height() * scale);
        String method = in.str("upscale_method");
        return NodeResult.of(batch.map(img -> ImageOps.upscale(img, w, h, method, "disabled")));
    }
}
