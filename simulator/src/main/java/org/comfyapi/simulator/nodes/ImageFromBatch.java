package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** ImageFromBatch: {@code length} images from {@code batch_index}, both clamped to the batch. */
public final class ImageFromBatch extends FixedNode {
    public ImageFromBatch() {
        super("ImageFromBatch", Family.BATCH, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("batch_index", Spec.intWidget(0, 0, 4095))
                .required("length", Spec.intWidget(1, 1, 4096))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "shape");
        int index = (int) Math.min(batch.size() - 1, in.integer("batch_index"));
        int length = (int) Math.min(batch.size() - index, in.integer("length"));
        return NodeResult.of(new ImageBatch(batch.images().subList(index, index + length)));
    }
}
