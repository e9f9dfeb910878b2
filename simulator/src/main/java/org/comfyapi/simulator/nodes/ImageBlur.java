package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** ImageBlur: gaussian blur over a reflect-padded image; a radius not smaller than the image fails like torch's F.pad. */
public final class ImageBlur extends NodeType {
    @Override
    public String name() {
        return "ImageBlur";
    }

    @Override
    public String displayName() {
        return "Image Blur";
    }

    @Override
    public String category() {
        return "image/postprocessing";
    }

    @Override
    public String pythonModule() {
        return "comfy_extras.nodes_post_processing";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("blur_radius", Spec.type("INT", Spec.intOpts(1, 1, 31).put("step", 1)))
                .required("sigma", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.1, 10.0, 0.1)))
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("IMAGE");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "to");
        int radius = (int) in.integer("blur_radius");
        if (radius == 0) return NodeResult.of(batch);
        Convolution.checkReflectPad(batch, radius);
        float[][] kernel = Convolution.gaussian(radius * 2 + 1, in.dbl("sigma"));
        return NodeResult.of(batch.map(img -> Convolution.apply(Planes.of(img), kernel).toImage()));
    }
}
