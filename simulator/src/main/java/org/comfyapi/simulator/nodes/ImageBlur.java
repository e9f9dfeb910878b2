package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** ImageBlur: gaussian blur over a reflect-padded image; a radius not smaller than the image fails like torch's F.pad. */
public final class ImageBlur extends KernelFilter {
    public ImageBlur() {
        super("ImageBlur", "Image Blur", "blur_radius");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return declaration(0.1).build();
    }

    @Override
    float[][] kernel(float[][] gaussian, int radius, Inputs in) {
        return gaussian;
    }
}
