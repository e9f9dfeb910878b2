package org.comfyapi.simulator.nodes;

import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;

/** One image as float32 RGB planes in [0,1] (torch's view of IMAGE), and back to the 8-bit values SaveImage would write. */
record Planes(int width, int height, float[][] rgb) {
    static Planes of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[][] c = new float[3][w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                c[0][y * w + x] = ((p >> 16) & 0xff) / 255.0f;
                c[1][y * w + x] = ((p >> 8) & 0xff) / 255.0f;
                c[2][y * w + x] = (p & 0xff) / 255.0f;
            }
        }
        return new Planes(w, h, c);
    }

    static Planes zeros(int w, int h) {
        return new Planes(w, h, new float[3][w * h]);
    }

    /** SaveImage's np.clip(255. * v, 0, 255).astype(uint8), in float32. */
    static int byteOf(float v) {
        float scaled = 255.0f * v;
        if (!(scaled > 0)) return 0;
        return Math.min(255, (int) scaled);
    }

    BufferedImage toImage() {
        BufferedImage out = ImageOps.rgb(width, height);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                row[x] = (byteOf(rgb[0][i]) << 16) | (byteOf(rgb[1][i]) << 8) | byteOf(rgb[2][i]);
            }
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }
}
