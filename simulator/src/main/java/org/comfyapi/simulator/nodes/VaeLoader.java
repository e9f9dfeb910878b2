package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** VAELoader: a VAE file from models/vae. */
public final class VaeLoader extends FixedNode {
    public VaeLoader() {
        super("VAELoader", "Load VAE", Family.LOADERS, "VAE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("vae_name", Spec.combo(env.paths().filenameList("vae"))).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        String name = in.str("vae_name");
        CheckpointLoaderSimple.fullPathOrRaise(ctx.env(), "vae", name);
        return NodeResult.of(new ModelRefs.Vae(name));
    }
}
