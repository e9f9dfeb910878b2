package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** EmptyLatentImage: a zero latent of width/8 x height/8. */
public final class EmptyLatentImage extends FixedNode {
    public EmptyLatentImage() {
        super("EmptyLatentImage", "Empty Latent Image", Family.LATENT, "LATENT");
    }

    @Override
    public String description() {
        return "Create a new batch of empty latent images to be denoised via sampling.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("The empty latent image batch.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("width", Spec.type("INT", Spec.intOpts(512, 16, ImageScale.MAX_RESOLUTION).put("step", 8)
                        .put("tooltip", "The width of the latent images in pixels.")))
                .required("height", Spec.type("INT", Spec.intOpts(512, 16, ImageScale.MAX_RESOLUTION).put("step", 8)
                        .put("tooltip", "The height of the latent images in pixels.")))
                .required("batch_size", Spec.type("INT", Spec.intOpts(1, 1, 4096)
                        .put("tooltip", "The number of latent images in the batch.")))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        int w = (int) in.integer("width");
        int h = (int) in.integer("height");
        int b = (int) in.integer("batch_size", 1);
        return NodeResult.of(new Latent(b, w / 8, h / 8, 0));
    }
}
