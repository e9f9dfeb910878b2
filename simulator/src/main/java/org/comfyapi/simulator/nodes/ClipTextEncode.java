package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.util.List;

/** CLIPTextEncode: text to CONDITIONING. */
public final class ClipTextEncode extends FixedNode {
    public ClipTextEncode() {
        super("CLIPTextEncode", "CLIP Text Encode (Prompt)", Family.core("conditioning"), "CONDITIONING");
    }

    @Override
    public String description() {
        return "Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("A conditioning containing the embedded text used to guide the diffusion model.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("text", Spec.type("STRING", Spec.opts().put("multiline", true).put("dynamicPrompts", true)
                        .put("tooltip", "The text to be encoded.")))
                .required("clip", Spec.tooltip("CLIP", "The CLIP model used for encoding the text."))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        if (!in.has("clip")) {
            throw new PyException("RuntimeError", "ERROR: clip input is invalid: None\n\nIf the clip is from a checkpoint loader node your checkpoint does not contain a valid clip or text encoder model.");
        }
        ModelRefs.Clip clip = in.obj("clip", ModelRefs.Clip.class, "tokenize");
        return NodeResult.of(new ModelRefs.Conditioning(in.str("text"), clip));
    }
}
