package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

/** ImageAddNoise: clamp(image + strength * N(0,1)); the noise is seeded and repeatable, but not torch's generator. */
public final class ImageAddNoise extends FixedNode {
    public ImageAddNoise() {
        super("ImageAddNoise", Family.IMAGE_EXTRAS, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("seed", Spec.seedWidget())
                .required("strength", Spec.floatWidget(0.5, 0.0, 1.0, 0.01))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "size");
        Random random = new Random(in.jsonOrNull("seed").bigIntegerValue().longValue());
        float strength = (float) in.dbl("strength");
        return NodeResult.of(batch.map(img -> {
            Planes p = Planes.of(img);
            for (float[] c : p.rgb()) {
                for (int i = 0; i < c.length; i++) c[i] = Math.clamp(c[i] + strength * (float) random.nextGaussian(), 0.0f, 1.0f);
            }
            return p.toImage();
        }));
    }
}
