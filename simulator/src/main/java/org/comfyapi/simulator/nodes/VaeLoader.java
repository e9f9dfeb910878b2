package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** VAELoader: a VAE file from models/vae. */
public final class VaeLoader extends NodeType {
    @Override
    public String name() {
        return "VAELoader";
    }

    @Override
    public String displayName() {
        return "Load VAE";
    }

    @Override
    public String category() {
        return "loaders";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("vae_name", Spec.combo(env.paths().filenameList("vae"))).build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("VAE");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        String name = in.str("vae_name");
        CheckpointLoaderSimple.fullPathOrRaise(ctx.env(), "vae", name);
        return NodeResult.of(new ModelRefs.Vae(name));
    }
}
