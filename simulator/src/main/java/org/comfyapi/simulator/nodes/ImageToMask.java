package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.util.ArrayList;
import java.util.List;

/** ImageToMask ("Convert Image to Mask"): one channel as the mask; "alpha" fails on RGB images as in torch. */
public final class ImageToMask extends FixedNode {
    static final List<String> CHANNELS = List.of("red", "green", "blue", "alpha");

    public ImageToMask() {
        super("ImageToMask", "Convert Image to Mask", Family.MASK, "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("image", Spec.type("IMAGE")).required("channel", Spec.combo(CHANNELS)).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "__getitem__");
        int channel = CHANNELS.indexOf(in.str("channel"));
        if (channel == 3) throw new PyException("IndexError", "index 3 is out of bounds for dimension 3 with size 3");
        List<float[]> masks = new ArrayList<>();
        for (var img : batch.images()) masks.add(Planes.of(img).rgb()[channel]);
        return NodeResult.of(new MaskBatch(batch.width(), batch.height(), masks));
    }
}
