package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** ImageCompositeMasked: source pasted at (x, y) over destination, blended by the (bilinearly resized) mask. */
public final class ImageCompositeMasked extends FixedNode {
    public ImageCompositeMasked() {
        super("ImageCompositeMasked", Family.IMAGE_MASK, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("destination", Spec.type("IMAGE"))
                .required("source", Spec.type("IMAGE"))
                .required("x", Spec.pixels(0, 0, 1))
                .required("y", Spec.pixels(0, 0, 1))
                .required("resize_source", Spec.type("BOOLEAN", Spec.opts().put("default", false)))
                .optional("mask", Spec.type("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch dst = in.obj("destination", ImageBatch.class, "clone");
        ImageBatch src = in.obj("source", ImageBatch.class, "movedim");
        MaskBatch mask = in.has("mask") ? in.obj("mask", MaskBatch.class, "to") : null;
        boolean resize = in.bool("resize_source");
        int x = (int) Math.min(in.integer("x"), dst.width());
        int y = (int) Math.min(in.integer("y"), dst.height());
        List<BufferedImage> out = new ArrayList<>();
        for (int b = 0; b < dst.size(); b++) {
            BufferedImage s = src.images().get(b % src.size());
            if (resize) s = ImageOps.upscale(s, dst.width(), dst.height(), "bilinear", "disabled");
            float[] m = mask == null ? null : maskFor(mask, b, s.getWidth(), s.getHeight());
            out.add(paste(Planes.of(dst.images().get(b)), Planes.of(s), m, x, y));
        }
        return NodeResult.of(new ImageBatch(out));
    }

    /** The mask for batch item {@code b}, resized to the source when its size differs. */
    private static float[] maskFor(MaskBatch mask, int b, int w, int h) {
        float[] m = mask.masks().get(b % mask.masks().size());
        if (mask.width() == w && mask.height() == h) return m;
        float[] out = new float[w * h];
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                double sx = Math.clamp((xx + 0.5) * mask.width() / w - 0.5, 0, mask.width() - 1);
                double sy = Math.clamp((yy + 0.5) * mask.height() / h - 0.5, 0, mask.height() - 1);
                int x0 = (int) sx, y0 = (int) sy;
                int x1 = Math.min(x0 + 1, mask.width() - 1), y1 = Math.min(y0 + 1, mask.height() - 1);
                double fx = sx - x0, fy = sy - y0;
                double top = m[y0 * mask.width() + x0] * (1 - fx) + m[y0 * mask.width() + x1] * fx;
                double bot = m[y1 * mask.width() + x0] * (1 - fx) + m[y1 * mask.width() + x1] * fx;
                out[yy * w + xx] = (float) (top * (1 - fy) + bot * fy);
            }
        }
        return out;
    }

    private static BufferedImage paste(Planes dst, Planes src, float[] mask, int x, int y) {
        int w = Math.min(src.width(), dst.width() - x);
        int h = Math.min(src.height(), dst.height() - y);
        for (int c = 0; c < 3; c++) {
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    int si = yy * src.width() + xx;
                    int di = (yy + y) * dst.width() + xx + x;
                    float m = mask == null ? 1.0f : mask[si];
                    dst.rgb()[c][di] = m * src.rgb()[c][si] + (1.0f - m) * dst.rgb()[c][di];
                }
            }
        }
        return dst.toImage();
    }
}
