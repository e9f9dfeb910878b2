package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;

/** ImageCrop: image[:, y:y+height, x:x+width], with x and y first clamped inside the image. */
public final class ImageCrop extends FixedNode {
    public ImageCrop() {
        super("ImageCrop", "Image Crop", Family.TRANSFORM, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required("width", Spec.pixels(512, 1, 1))
                .required("height", Spec.pixels(512, 1, 1))
                .required("x", Spec.pixels(0, 0, 1))
                .required("y", Spec.pixels(0, 0, 1))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "shape");
        int x = (int) Math.min(in.integer("x"), batch.width() - 1);
        int y = (int) Math.min(in.integer("y"), batch.height() - 1);
        int w = (int) Math.min(in.integer("width"), batch.width() - x);
        int h = (int) Math.min(in.integer("height"), batch.height() - y);
        return NodeResult.of(batch.map(img -> copy(img.getSubimage(x, y, w, h))));
    }

    private static BufferedImage copy(BufferedImage sub) {
        BufferedImage out = ImageOps.rgb(sub.getWidth(), sub.getHeight());
        out.setRGB(0, 0, sub.getWidth(), sub.getHeight(), sub.getRGB(0, 0, sub.getWidth(), sub.getHeight(), null, 0, sub.getWidth()), 0, sub.getWidth());
        return out;
    }
}
