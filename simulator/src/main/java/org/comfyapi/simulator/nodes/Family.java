package org.comfyapi.simulator.nodes;

/** Where a node class sits: its menu category and the Python module that defines it. */
record Family(String category, String module) {
    static final Family IMAGE = new Family("image", "nodes");
    static final Family IMAGE_EXTRAS = new Family("image", "comfy_extras.nodes_images");
    static final Family UPSCALING = new Family("image/upscaling", "nodes");
    static final Family TRANSFORM = new Family("image/transform", "comfy_extras.nodes_images");
    static final Family BATCH = new Family("image/batch", "comfy_extras.nodes_images");
    static final Family ANIMATION = new Family("image/animation", "comfy_extras.nodes_images");
    static final Family POST_PROCESSING = new Family("image/postprocessing", "comfy_extras.nodes_post_processing");
    static final Family MASK = new Family("mask", "comfy_extras.nodes_mask");
    static final Family IMAGE_MASK = new Family("image", "comfy_extras.nodes_mask");
}
