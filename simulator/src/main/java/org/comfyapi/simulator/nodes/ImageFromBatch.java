package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** ImageFromBatch: {@code length} images from {@code batch_index}, both clamped to the batch. */
public final class ImageFromBatch extends NodeType {
    @Override
    public String name() {
        return "ImageFromBatch";
    }

    @Override
    public String category() {
        return "image/batch";
    }

    @Override
    public String pythonModule() {
        return "comfy_extras.nodes_images";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("batch_index", Spec.type("INT", Spec.intOpts(0, 0, 4095)))
                .required("length", Spec.type("INT", Spec.intOpts(1, 1, 4096)))
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("IMAGE");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "shape");
        int index = (int) Math.min(batch.size() - 1, in.integer("batch_index"));
        int length = (int) Math.min(batch.size() - index, in.integer("length"));
        return NodeResult.of(new ImageBatch(batch.images().subList(index, index + length)));
    }
}
