package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.comfyapi.simulator.image.ImageOps;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** LoadImage: a file from input (or an annotated output/temp path) as IMAGE plus MASK (inverted alpha). */
public class LoadImage extends FixedNode {
    public LoadImage() {
        super("LoadImage", "Load Image", Family.IMAGE, "IMAGE", "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("image", Spec.combo(env.paths().inputFiles(true), Spec.opts().put("image_upload", true))).build();
    }

    @Override
    public List<String> validateInputNames() {
        return List.of("s", "image");
    }

    @Override
    public String validateInputs(Map<String, JsonNode> inputs, NodeEnv env) {
        JsonNode image = inputs.get("image");
        String name = requireName(image);
        if (!env.paths().existsAnnotatedFilepath(name)) return "Invalid image file: " + name;
        return null;
    }

    static String requireName(JsonNode image) {
        if (image == null || !image.isTextual()) {
            throw new PyException("AttributeError", "'" + Py.typeName(image) + "' object has no attribute 'endswith'");
        }
        return image.textValue();
    }

    @Override
    public boolean hasIsChanged() {
        return true;
    }

    @Override
    public JsonNode isChanged(Map<String, JsonNode> inputs, NodeEnv env) {
        String name = requireName(inputs.get("image"));
        return TextNode.valueOf(ImageFiles.sha256Hex(env.paths().getAnnotatedFilepath(name)));
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        BufferedImage img = ImageFiles.read(ctx.env().paths().getAnnotatedFilepath(in.str("image")));
        MaskBatch mask;
        if (img.getColorModel().hasAlpha()) {
            int w = img.getWidth();
            int h = img.getHeight();
            float[] m = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float a = (float) (img.getRGB(x, y) >>> 24) / 255.0f;
                    m[y * w + x] = 1.0f - a;
                }
            }
            mask = new MaskBatch(w, h, List.of(m));
        } else {
            mask = MaskBatch.zeros(64, 64, 1);
        }
        return NodeResult.of(new ImageBatch(List.of(ImageOps.toRgb(img))), mask);
    }
}
