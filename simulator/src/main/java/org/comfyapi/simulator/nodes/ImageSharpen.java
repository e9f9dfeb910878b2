package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** ImageSharpen: a negated gaussian (times 10 alpha) whose centre makes the kernel sum 1, reflect-padded, clamped to [0,1]. */
public final class ImageSharpen extends NodeType {
    @Override
    public String name() {
        return "ImageSharpen";
    }

    @Override
    public String displayName() {
        return "Image Sharpen";
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
                .required("sharpen_radius", Spec.type("INT", Spec.intOpts(1, 1, 31).put("step", 1)))
                .required("sigma", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.1, 10.0, 0.01)))
                .required("alpha", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.0, 5.0, 0.01)))
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("IMAGE");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "to");
        int radius = (int) in.integer("sharpen_radius");
        if (radius == 0) return NodeResult.of(batch);
        Convolution.checkReflectPad(batch, radius);
        float[][] kernel = Convolution.gaussian(radius * 2 + 1, in.dbl("sigma"));
        float scale = (float) -(in.dbl("alpha") * 10);
        float sum = 0;
        for (float[] row : kernel) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= scale;
                sum += row[j];
            }
        }
        kernel[radius][radius] = kernel[radius][radius] - sum + 1.0f;
        return NodeResult.of(batch.map(img -> Convolution.apply(Planes.of(img), kernel).toImage()));
    }
}
