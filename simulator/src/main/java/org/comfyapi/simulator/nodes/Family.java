package org.comfyapi.simulator.nodes;

/** Where a node class sits: its menu category and the Python module that defines it. */
record Family(String category, String module) {
    static final Family IMAGE = core("image");
    static final Family UPSCALING = core("image/upscaling");
    static final Family LOADERS = core("loaders");
    static final Family LATENT = core("latent");
    static final Family IMAGE_EXTRAS = new Family("image", "comfy_extras.nodes_images");
    static final Family TRANSFORM = new Family("image/transform", "comfy_extras.nodes_images");
    static final Family BATCH = new Family("image/batch", "comfy_extras.nodes_images");
    static final Family ANIMATION = new Family("image/animation", "comfy_extras.nodes_images");
    static final Family POST_PROCESSING = new Family("image/postprocessing", "comfy_extras.nodes_post_processing");
    static final Family MASK = new Family("mask", "comfy_extras.nodes_mask");
    static final Family IMAGE_MASK = new Family("image", "comfy_extras.nodes_mask");

    /** A category of the classes in ComfyUI's own nodes.py. */
    static Family core(String category) {
        return new Family(category, "nodes");
    }
}
