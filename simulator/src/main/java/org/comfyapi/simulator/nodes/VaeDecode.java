package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/** VAEDecode: an image 8x the latent size; pixels are a gradient plus noise derived from the latent's fingerprint. */
public final class VaeDecode extends FixedNode {
    public VaeDecode() {
        super("VAEDecode", "VAE Decode", Family.LATENT, "IMAGE");
    }

    @Override
    public String description() {
        return "Decodes latent images back into pixel space images.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("The decoded image.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("samples", Spec.tooltip("LATENT", "The latent to be decoded."))
                .required("vae", Spec.tooltip("VAE", "The VAE model used for decoding the latent."))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        Latent latent = in.obj("samples", Latent.class, "__getitem__");
        in.obj("vae", ModelRefs.Vae.class, "decode");
        int w = latent.width() * 8;
        int h = latent.height() * 8;
        return NodeResult.of(ImageBatch.generate(latent.batch(), b -> render(w, h, latent.fingerprint(), b)));
    }

    static BufferedImage render(int w, int h, long fingerprint, int index) {
        if (fingerprint == 0) return ImageOps.filled(w, h, 0x7f7f7f);
        SplittableRandom rnd = new SplittableRandom(fingerprint * 31 + index);
        int r0 = rnd.nextInt(256);
        int g0 = rnd.nextInt(256);
        int b0 = rnd.nextInt(256);
        int r1 = rnd.nextInt(256);
        int g1 = rnd.nextInt(256);
        int b1 = rnd.nextInt(256);
        BufferedImage img = ImageOps.rgb(w, h);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = (x + y) / (double) Math.max(1, w + h - 2);
                int n = rnd.nextInt(24) - 12;
                int r = Math.clamp((int) (r0 + (r1 - r0) * t) + n, 0, 255);
                int g = Math.clamp((int) (g0 + (g1 - g0) * t) + n, 0, 255);
                int bl = Math.clamp((int) (b0 + (b1 - b0) * t) + n, 0, 255);
                row[x] = (r << 16) | (g << 8) | bl;
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        return img;
    }
}
