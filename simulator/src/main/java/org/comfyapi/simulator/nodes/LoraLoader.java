package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** LoraLoader: patches MODEL and CLIP with a LoRA file from models/loras. */
public final class LoraLoader extends FixedNode {
    public LoraLoader() {
        super("LoraLoader", "Load LoRA", Family.LOADERS, "MODEL", "CLIP");
    }

    @Override
    public String description() {
        return "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("The modified diffusion model.", "The modified CLIP model.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("model", Spec.tooltip("MODEL", "The diffusion model the LoRA will be applied to."))
                .required("clip", Spec.tooltip("CLIP", "The CLIP model the LoRA will be applied to."))
                .required("lora_name", Spec.combo(env.paths().filenameList("loras"), Spec.opts().put("tooltip", "The name of the LoRA.")))
                .required("strength_model", Spec.type("FLOAT", Spec.floatOpts(1.0, -100.0, 100.0, 0.01)
                        .put("tooltip", "How strongly to modify the diffusion model. This value can be negative.")))
                .required("strength_clip", Spec.type("FLOAT", Spec.floatOpts(1.0, -100.0, 100.0, 0.01)
                        .put("tooltip", "How strongly to modify the CLIP model. This value can be negative.")))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ModelRefs.Model model = in.obj("model", ModelRefs.Model.class, "clone");
        ModelRefs.Clip clip = in.obj("clip", ModelRefs.Clip.class, "clone");
        double sm = in.dbl("strength_model");
        double sc = in.dbl("strength_clip");
        if (sm == 0 && sc == 0) return NodeResult.of(model, clip);
        String lora = in.str("lora_name");
        CheckpointLoaderSimple.fullPathOrRaise(ctx.env(), "loras", lora);
        return NodeResult.of(new ModelRefs.Model(model.name(), model.patches() + "|" + lora + ":" + sm),
                new ModelRefs.Clip(clip.name(), clip.patches() + "|" + lora + ":" + sc));
    }
}
