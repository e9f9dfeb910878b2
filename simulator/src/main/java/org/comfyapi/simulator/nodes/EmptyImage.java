package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

/** EmptyImage: a batch of solid-colour images. */
public final class EmptyImage extends FixedNode {
    public EmptyImage() {
        super("EmptyImage", Family.IMAGE, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("width", Spec.pixels(512, 1, 1))
                .required("height", Spec.pixels(512, 1, 1))
                .required("batch_size", Spec.intWidget(1, 1, 4096))
                .required("color", Spec.type("INT", Spec.intOpts(0, 0, 0xFFFFFF).put("step", 1).put("display", "color")))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        int w = (int) in.integer("width");
        int h = (int) in.integer("height");
        long batch = in.integer("batch_size", 1);
        long color = in.integer("color", 0);
        int rgb = (channel(color >> 16) << 16) | (channel(color >> 8) << 8) | channel(color);
        return NodeResult.of(ImageBatch.generate(batch, i -> ImageOps.filled(w, h, rgb)));
    }

    private static int channel(long v) {
        float f = (float) ((v & 0xFF) / 255.0);
        return Math.clamp((int) (255.0f * f), 0, 255);
    }
}
