package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;

/** ImagePadForOutpaint: grey (0.5) borders and a mask that is 1 outside the image and feathered (quadratically) inside it. */
public final class ImagePadForOutpaint extends FixedNode {
    public ImagePadForOutpaint() {
        super("ImagePadForOutpaint", "Pad Image for Outpainting", Family.IMAGE, "IMAGE", "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        Spec s = Spec.create().required("image", Spec.type("IMAGE"));
        for (String side : List.of("left", "top", "right", "bottom")) {
            s.required(side, Spec.pixels(0, 0, 8));
        }
        return s.required("feathering", Spec.pixels(40, 0, 1)).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "size");
        int left = (int) in.integer("left");
        int top = (int) in.integer("top");
        int right = (int) in.integer("right");
        int bottom = (int) in.integer("bottom");
        int feathering = (int) in.integer("feathering");
        int h = batch.height();
        int w = batch.width();
        int nw = w + left + right;
        int nh = h + top + bottom;
        ImageBatch padded = batch.map(img -> {
            Planes p = Planes.zeros(nw, nh);
            for (float[] c : p.rgb()) Arrays.fill(c, 0.5f);
            Planes src = Planes.of(img);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) System.arraycopy(src.rgb()[c], y * w, p.rgb()[c], (y + top) * nw + left, w);
            }
            return p.toImage();
        });
        float[] mask = new float[nw * nh];
        Arrays.fill(mask, 1.0f);
        boolean feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                float v = 0;
                if (feather) {
                    int dt = top != 0 ? i : h;
                    int db = bottom != 0 ? h - i : h;
                    int dl = left != 0 ? j : w;
                    int dr = right != 0 ? w - j : w;
                    int d = Math.min(Math.min(dt, db), Math.min(dl, dr));
                    if (d < feathering) {
                        float f = (float) (feathering - d) / feathering;
                        v = f * f;
                    }
                }
                mask[(i + top) * nw + j + left] = v;
            }
        }
        List<float[]> masks = new ArrayList<>();
        masks.add(mask);
        return NodeResult.of(padded, new MaskBatch(nw, nh, masks));
    }
}
