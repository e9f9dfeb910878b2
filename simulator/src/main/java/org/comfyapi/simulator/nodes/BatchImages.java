package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** The ImageBatch node ("Batch Images"): image1 then image2, image2 rescaled (bilinear, center crop) when sizes differ. */
public final class BatchImages extends FixedNode {
    public BatchImages() {
        super("ImageBatch", "Batch Images", Family.IMAGE, "IMAGE");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("image1", Spec.type("IMAGE")).required("image2", Spec.type("IMAGE")).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch a = in.obj("image1", ImageBatch.class, "shape");
        ImageBatch b = in.obj("image2", ImageBatch.class, "shape");
        List<BufferedImage> all = new ArrayList<>(a.images());
        boolean same = a.width() == b.width() && a.height() == b.height();
        for (BufferedImage img : b.images()) all.add(same ? img : ImageOps.upscale(img, a.width(), a.height(), "bilinear", "center"));
        return NodeResult.of(new ImageBatch(all));
    }
}
