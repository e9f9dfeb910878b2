package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * RebatchImages (INPUT_IS_LIST, OUTPUT_IS_LIST): every image of every incoming batch, in order, regrouped into
 * batches of {@code batch_size} (the last one shorter); torch.cat refuses images of different sizes.
 */
public final class RebatchImages extends FixedNode {
    public RebatchImages() {
        super("RebatchImages", "Rebatch Images", new Family("image/batch", "comfy_extras.nodes_rebatch"), "IMAGE");
    }

    @Override
    public boolean inputIsList() {
        return true;
    }

    @Override
    public List<Boolean> outputIsList() {
        return List.of(true);
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("images", Spec.type("IMAGE"))
                .required("batch_size", Spec.intWidget(1, 1, 4096))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        int batchSize = batchSize(in.list("batch_size"));
        List<BufferedImage> all = new ArrayList<>();
        for (Object batch : in.list("images")) {
            if (!(batch instanceof ImageBatch images)) throw new PyException("AttributeError", "'NoneType' object has no attribute 'shape'");
            all.addAll(images.images());
        }
        List<ImageBatch> out = new ArrayList<>();
        for (int start = 0; start < all.size(); start += batchSize) {
            List<BufferedImage> group = all.subList(start, Math.min(all.size(), start + batchSize));
            requireSameSize(group);
            out.add(new ImageBatch(group));
        }
        return NodeResult.of(out);
    }

    private static int batchSize(List<Object> values) {
        if (values.isEmpty() || !(values.getFirst() instanceof JsonNode j) || !j.canConvertToInt()) {
            throw new PyException("TypeError", "'NoneType' object cannot be interpreted as an integer");
        }
        return j.intValue();
    }

    private static void requireSameSize(List<BufferedImage> group) {
        BufferedImage first = group.getFirst();
        for (int i = 1; i < group.size(); i++) {
            BufferedImage img = group.get(i);
            if (img.getHeight() != first.getHeight()) throw mismatch(first.getHeight(), img.getHeight(), i);
            if (img.getWidth() != first.getWidth()) throw mismatch(first.getWidth(), img.getWidth(), i);
        }
    }

    private static PyException mismatch(int expected, int got, int tensor) {
        return new PyException("RuntimeError", "Sizes of tensors must match except in dimension 0. Expected size " + expected
                + " but got size " + got + " for tensor number " + tensor + " in the list.");
    }
}
