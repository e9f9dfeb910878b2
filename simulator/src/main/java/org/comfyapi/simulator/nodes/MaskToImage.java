package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** MaskToImage ("Convert Mask to Image"): the mask copied into all three channels. */
public final class MaskToImage extends FixedNode {
    public MaskToImage() {
        super("MaskToImage", "Convert Mask to Image", Family.MASK, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("mask", Spec.type("MASK")).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        MaskBatch mask = in.obj("mask", MaskBatch.class, "reshape");
        List<BufferedImage> out = new ArrayList<>();
        for (float[] m : mask.masks()) out.add(new Planes(mask.width(), mask.height(), new float[][]{m, m, m}).toImage());
        return NodeResult.of(new ImageBatch(out));
    }
}
