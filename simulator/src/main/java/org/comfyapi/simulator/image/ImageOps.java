package org.comfyapi.simulator.image;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Pixel operations of the image nodes. */
public final class ImageOps {
    private ImageOps() {
    }

    public static BufferedImage rgb(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    }

    public static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) return src;
        BufferedImage out = rgb(src.getWidth(), src.getHeight());
        int w = src.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < src.getHeight(); y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) row[x] &= 0xffffff;
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    public static BufferedImage invert(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = rgb(w, h);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) row[x] = ~row[x] & 0xffffff;
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /** comfy.utils.common_upscale for one image: optional center crop to the target aspect, then resize. */
    public static BufferedImage upscale(BufferedImage src, int width, int height, String method, String crop) {
        BufferedImage s = src;
        if ("center".equals(crop)) {
            int ow = src.getWidth();
            int oh = src.getHeight();
            double oldAspect = (double) ow / oh;
            double newAspect = (double) width / height;
            int x = 0;
            int y = 0;
            if (oldAspect > newAspect) x = (int) Math.rint((ow - ow * (newAspect / oldAspect)) / 2);
            else if (oldAspect < newAspect) y = (int) Math.rint((oh - oh * (oldAspect / newAspect)) / 2);
            s = src.getSubimage(x, y, ow - 2 * x, oh - 2 * y);
        }
        BufferedImage out = rgb(width, height);
        if (method.equals("area")) {
            Image scaled = s.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
            Graphics2D g = out.createGraphics();
            g.drawImage(scaled, 0, 0, null);
            g.dispose();
            return out;
        }
        Object hint = switch (method) {
            case "nearest-exact" -> RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR;
            case "bilinear" -> RenderingHints.VALUE_INTERPOLATION_BILINEAR;
            default -> RenderingHints.VALUE_INTERPOLATION_BICUBIC;
        };
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        g.drawImage(s, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    public static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage out = rgb(w, h);
        int[] row = new int[w];
        java.util.Arrays.fill(row, rgb & 0xffffff);
        for (int y = 0; y < h; y++) out.setRGB(0, y, w, 1, row, 0, w);
        return out;
    }
}
