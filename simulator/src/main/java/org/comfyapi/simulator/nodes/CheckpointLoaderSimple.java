package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.util.List;

/** CheckpointLoaderSimple: "loads" a checkpoint from models/checkpoints (the file must exist). */
public final class CheckpointLoaderSimple extends FixedNode {
    public CheckpointLoaderSimple() {
        super("CheckpointLoaderSimple", "Load Checkpoint", Family.LOADERS, "MODEL", "CLIP", "VAE");
    }

    @Override
    public String description() {
        return "Loads a diffusion model checkpoint, diffusion models are used to denoise latents.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("The model used for denoising latents.", "The CLIP model used for encoding text prompts.",
                "The VAE model used for encoding and decoding images to and from latent space.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("ckpt_name", Spec.combo(env.paths().filenameList("checkpoints"),
                Spec.opts().put("tooltip", "The name of the checkpoint (model) to load."))).build();
    }

    static String fullPathOrRaise(NodeEnv env, String folder, String name) {
        String p = env.paths().fullPath(folder, name);
        if (p == null) {
            throw new PyException("FileNotFoundError", "Model in folder '" + folder + "' with filename '" + name + "' not found.");
        }
        return p;
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        String name = in.str("ckpt_name");
        fullPathOrRaise(ctx.env(), "checkpoints", name);
        return NodeResult.of(new ModelRefs.Model(name, ""), new ModelRefs.Clip(name, ""), new ModelRefs.Vae(name));
    }
}
