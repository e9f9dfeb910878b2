package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** LoadImageMask: one channel of an input image as MASK (alpha is inverted). */
public final class LoadImageMask extends FixedNode {
    private final LoadImage base = new LoadImage();

    public LoadImageMask() {
        super("LoadImageMask", "Load Image (as Mask)", Family.core("mask"), "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.combo(env.paths().inputFiles(false), Spec.opts().put("image_upload", true)))
                .required("channel", Spec.combo(List.of("alpha", "red", "green", "blue")))
                .build();
    }

    @Override
    public List<String> validateInputNames() {
        return List.of("s", "image");
    }

    @Override
    public String validateInputs(Map<String, JsonNode> inputs, NodeEnv env) {
        return base.validateInputs(inputs, env);
    }

    @Override
    public boolean hasIsChanged() {
        return true;
    }

    @Override
    public JsonNode isChanged(Map<String, JsonNode> inputs, NodeEnv env) {
        if (!inputs.containsKey("channel")) {
            throw new PyException("TypeError", "LoadImageMask.IS_CHANGED() missing 1 required positional argument: 'channel'");
        }
        return base.isChanged(inputs, env);
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        BufferedImage img = ImageFiles.read(ctx.env().paths().getAnnotatedFilepath(in.str("image")));
        String channel = in.str("channel");
        char c = channel.isEmpty() ? 'A' : Character.toUpperCase(channel.charAt(0));
        int w = img.getWidth();
        int h = img.getHeight();
        int shift = switch (c) {
            case 'R' -> 16;
            case 'G' -> 8;
            case 'B' -> 0;
            case 'A' -> 24;
            default -> -1;
        };
        if (shift < 0) return NodeResult.of(MaskBatch.zeros(64, 64, 1));
        float[] m = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                float v = (float) ((argb >>> shift) & 0xff) / 255.0f;
                m[y * w + x] = c == 'A' ? 1.0f - v : v;
            }
        }
        return NodeResult.of(new MaskBatch(w, h, List.of(m)));
    }
}
