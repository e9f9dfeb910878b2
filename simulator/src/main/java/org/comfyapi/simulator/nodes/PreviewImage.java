package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.ThreadLocalRandom;

/** PreviewImage: SaveImage into temp with a per-node-instance random suffix. */
public final class PreviewImage extends SaveImage {
    private static final String LETTERS = "abcdefghijklmnopqrstupvxyz";

    public PreviewImage() {
        super("PreviewImage", "Preview Image");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("images", Spec.type("IMAGE")).hiddenPromptInfo().build();
    }

    @Override
    protected String outputDir(NodeEnv env) {
        return env.paths().tempDir();
    }

    @Override
    protected String type() {
        return "temp";
    }

    @Override
    protected int compressLevel() {
        return 1;
    }

    @Override
    protected String filenamePrefix(Inputs in) {
        return "ComfyUI";
    }

    @Override
    protected String prefixAppend(ExecContext ctx) {
        return (String) ctx.instance().computeIfAbsent("prefix_append", k -> {
            StringBuilder sb = new StringBuilder("_temp_");
            for (int i = 0; i < 5; i++) sb.append(LETTERS.charAt(ThreadLocalRandom.current().nextInt(LETTERS.length())));
            return sb.toString();
        });
    }
}
