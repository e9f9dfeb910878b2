package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

/** ImageScaleBy ("Upscale Image By"): round(size * scale_by) on both axes, no crop. */
public final class ImageScaleBy extends FixedNode {
    public ImageScaleBy() {
        super("ImageScaleBy", "Upscale Image By", Family.UPSCALING, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("upscale_method", Spec.combo(ImageScale.METHODS))
                .required("scale_by", Spec.floatWidget(1.0, 0.01, 8.0, 0.01))
                .build();
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
