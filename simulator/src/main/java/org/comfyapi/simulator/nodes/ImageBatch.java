package org.comfyapi.simulator.nodes;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** IMAGE: a batch of same-sized RGB images (torch [B,H,W,3] in ComfyUI). */
public record ImageBatch(List<BufferedImage> images) implements PyValue {
    public ImageBatch {
        if (images.isEmpty()) throw new IllegalArgumentException("empty batch");
        images = List.copyOf(images);
    }

    /** A batch of {@code count} images, the i-th made by {@code image.apply(i)}. */
    public static ImageBatch generate(long count, IntFunction<BufferedImage> image) {
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(image.apply(i));
        return new ImageBatch(out);
    }

    /** A batch of the same size with {@code op} applied to each image in order. */
    public ImageBatch map(UnaryOperator<BufferedImage> op) {
        List<BufferedImage> out = new ArrayList<>();
        for (BufferedImage img : images) out.add(op.apply(img));
        return new ImageBatch(out);
    }

    public int width() {
        return images.getFirst().getWidth();
    }

    public int height() {
        return images.getFirst().getHeight();
    }

    public int size() {
        return images.size();
    }

    @Override
    public String pyTypeName() {
        return "Tensor";
    }

    @Override
    public String toString() {
        return Tensors.str(new int[]{size(), height(), width(), 3}, idx -> {
            int rgb = images.get(idx[0]).getRGB(idx[2], idx[1]);
            int shift = 16 - 8 * idx[3];
            return ((rgb >> shift) & 0xFF) / 255.0;
        });
    }
}
