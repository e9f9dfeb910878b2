package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** RepeatImageBatch: image.repeat((amount, 1, 1, 1)), i.e. the whole batch {@code amount} times over. */
public final class RepeatImageBatch extends FixedNode {
    public RepeatImageBatch() {
        super("RepeatImageBatch", Family.BATCH, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("image", Spec.type("IMAGE")).required("amount", Spec.intWidget(1, 1, 4096)).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "repeat");
        long amount = in.integer("amount");
        List<BufferedImage> out = new ArrayList<>();
        for (long i = 0; i < amount; i++) out.addAll(batch.images());
        return NodeResult.of(new ImageBatch(out));
    }
}
