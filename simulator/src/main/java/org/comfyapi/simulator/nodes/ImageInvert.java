package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;

/** ImageInvert: 1.0 - image, computed in float32 like torch, then truncated to 8 bits like SaveImage does. */
public final class ImageInvert extends FixedNode {
    public ImageInvert() {
        super("ImageInvert", "Invert Image", Family.IMAGE, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("image", Spec.type("IMAGE")).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "__rsub__");
        return NodeResult.of(batch.map(ImageInvert::inverted));
    }

    private static BufferedImage inverted(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = ImageOps.rgb(w, h);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                row[x] = (invert((p >> 16) & 0xff) << 16) | (invert((p >> 8) & 0xff) << 8) | invert(p & 0xff);
            }
            dst.setRGB(0, y, w, 1, row, 0, w);
        }
        return dst;
    }

    static int invert(int v) {
        float x = (float) v / 255.0f;
        float inv = 1.0f - x;
        float scaled = 255.0f * inv;
        return Math.clamp((int) scaled, 0, 255);
    }
}
