package org.comfyapi.simulator.nodes;

import org.comfyapi.graph.py.PyException;

/** The shared maths of ImageBlur/ImageSharpen: gaussian_kernel and a reflect-padded depthwise conv2d. */
final class Convolution {
    private Convolution() {
    }

    /** gaussian_kernel(size, sigma): exp(-d^2 / 2 sigma^2) over linspace(-1, 1) on both axes, normalised to sum 1. */
    static float[][] gaussian(int size, double sigma) {
        float[] axis = linspace(size);
        float[][] k = new float[size][size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                float d = (float) Math.sqrt(axis[i] * axis[i] + axis[j] * axis[j]);
                k[i][j] = (float) Math.exp(-(d * d) / (2.0 * sigma * sigma));
                sum += k[i][j];
            }
        }
        for (float[] row : k) for (int j = 0; j < size; j++) row[j] = (float) (row[j] / sum);
        return k;
    }

    /** torch.linspace(-1, 1, n) in float32: the first half counts up from -1, the second half down from 1. */
    private static float[] linspace(int n) {
        float[] v = new float[n];
        if (n == 1) {
            v[0] = -1;
            return v;
        }
        float step = 2.0f / (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) v[i] = i < half ? -1 + step * i : 1 - step * (n - 1 - i);
        return v;
    }

    /** F.pad(image, (r, r, r, r), 'reflect') fails like torch when r is not smaller than the width, then the height. */
    static void checkReflectPad(ImageBatch batch, int r) {
        String shape = "[" + batch.size() + ", 3, " + batch.height() + ", " + batch.width() + "]";
        if (r >= batch.width()) throw padError(4, r, 3, shape);
        if (r >= batch.height()) throw padError(6, r, 2, shape);
    }

    private static PyException padError(int argument, int r, int dim, String shape) {
        return new PyException("RuntimeError", "Argument #" + argument + ": Padding size should be less than the corresponding "
                + "input dimension, but got: padding (" + r + ", " + r + ") at dimension " + dim + " of input " + shape);
    }

    /** Each channel convolved with {@code kernel} over the reflect-padded image, cropped back to the input size. */
    static Planes apply(Planes in, float[][] kernel) {
        int r = kernel.length / 2;
        int w = in.width();
        int h = in.height();
        Planes out = Planes.zeros(w, h);
        for (int c = 0; c < 3; c++) {
            float[] src = in.rgb()[c];
            float[] dst = out.rgb()[c];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = 0; i < kernel.length; i++) {
                        int sy = reflect(y + i - r, h);
                        for (int j = 0; j < kernel.length; j++) acc += kernel[i][j] * src[sy * w + reflect(x + j - r, w)];
                    }
                    dst[y * w + x] = acc;
                }
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }
}
