package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Arrays;

/**
 * ImageQuantize: at most {@code colors} colours. An image that already has few enough colours is unchanged (as with PIL);
 * otherwise a median-cut palette stands in for PIL's, with nearest-colour mapping, Floyd-Steinberg or Bayer dithering.
 */
public final class ImageQuantize extends FixedNode {
    public ImageQuantize() {
        super("ImageQuantize", "Image Quantize", Family.POST_PROCESSING, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("colors", Spec.intWidget(256, 1, 256, 1))
                .required("dither", Spec.combo(List.of("none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16")))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "shape");
        int colors = (int) in.integer("colors");
        String dither = in.str("dither");
        return NodeResult.of(batch.map(img -> quantize(img, colors, dither)));
    }

    static BufferedImage quantize(BufferedImage img, int colors, String dither) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        Set<Integer> distinct = new LinkedHashSet<>();
        for (int p : px) {
            distinct.add(p & 0xffffff);
            if (distinct.size() > colors) break;
        }
        if (distinct.size() <= colors) return img;
        int[] palette = medianCut(px, colors);
        int order = dither.startsWith("bayer-") ? Integer.parseInt(dither.substring(6)) : 0;
        float[][] err = new float[3][w * h];
        BufferedImage out = ImageOps.rgb(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float[] c = {((px[i] >> 16) & 0xff) + err[0][i], ((px[i] >> 8) & 0xff) + err[1][i], (px[i] & 0xff) + err[2][i]};
                if (order > 0) {
                    float offset = (float) (2.0 * 256 / palette.length * (bayer(order, x % order, y % order) - 0.5));
                    for (int k = 0; k < 3; k++) c[k] += offset;
                }
                int chosen = nearest(palette, c);
                out.setRGB(x, y, chosen);
                if (dither.equals("floyd-steinberg")) {
                    for (int k = 0; k < 3; k++) {
                        float e = c[k] - ((chosen >> (16 - 8 * k)) & 0xff);
                        if (x + 1 < w) err[k][i + 1] += e * 7 / 16;
                        if (y + 1 < h && x > 0) err[k][i + w - 1] += e * 3 / 16;
                        if (y + 1 < h) err[k][i + w] += e * 5 / 16;
                        if (y + 1 < h && x + 1 < w) err[k][i + w + 1] += e / 16;
                    }
                }
            }
        }
        return out;
    }

    /** The normalised Bayer threshold in [0,1) of cell (x, y) of an order x order matrix. */
    private static double bayer(int order, int x, int y) {
        int v = 0;
        for (int bit = order / 2; bit > 0; bit /= 2) {
            int qx = (x & bit) != 0 ? 1 : 0;
            int qy = (y & bit) != 0 ? 1 : 0;
            v = v * 4 + ((qx ^ qy) | (qy << 1));
        }
        return (v + 0.5) / (order * order);
    }

    private static int nearest(int[] palette, float[] c) {
        int best = palette[0];
        double bestD = Double.MAX_VALUE;
        for (int p : palette) {
            double dr = c[0] - ((p >> 16) & 0xff);
            double dg = c[1] - ((p >> 8) & 0xff);
            double db = c[2] - (p & 0xff);
            double d = dr * dr + dg * dg + db * db;
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }

    private static int[] medianCut(int[] px, int colors) {
        List<int[]> boxes = new ArrayList<>();
        boxes.add(px.clone());
        while (boxes.size() < colors) {
            boxes.sort(Comparator.comparingInt((int[] b) -> b.length).reversed());
            int[] box = boxes.getFirst();
            if (box.length < 2) break;
            int channel = widestChannel(box);
            int shift = 16 - 8 * channel;
            Integer[] sorted = new Integer[box.length];
            for (int i = 0; i < box.length; i++) sorted[i] = box[i];
            Arrays.sort(sorted, Comparator.comparingInt(p -> (p >> shift) & 0xff));
            int mid = box.length / 2;
            int[] a = new int[mid];
            int[] b = new int[box.length - mid];
            for (int i = 0; i < box.length; i++) {
                if (i < mid) a[i] = sorted[i];
                else b[i - mid] = sorted[i];
            }
            boxes.removeFirst();
            boxes.add(a);
            boxes.add(b);
        }
        int[] palette = new int[boxes.size()];
        for (int k = 0; k < palette.length; k++) {
            long r = 0, g = 0, bl = 0;
            for (int p : boxes.get(k)) {
                r += (p >> 16) & 0xff;
                g += (p >> 8) & 0xff;
                bl += p & 0xff;
            }
            int n = boxes.get(k).length;
            palette[k] = (int) ((r / n) << 16 | (g / n) << 8 | (bl / n));
        }
        return palette;
    }

    private static int widestChannel(int[] box) {
        int best = 0;
        int bestRange = -1;
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            int lo = 255, hi = 0;
            for (int p : box) {
                int v = (p >> shift) & 0xff;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi - lo > bestRange) {
                bestRange = hi - lo;
                best = c;
            }
        }
        return best;
    }
}
