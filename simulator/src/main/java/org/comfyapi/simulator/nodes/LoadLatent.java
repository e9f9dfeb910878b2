package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** LoadLatent: a {@code .latent} file from the input directory (or an annotated output/temp path). */
public final class LoadLatent extends FixedNode {
    public LoadLatent() {
        super("LoadLatent", Family.core("_for_testing"), "LATENT");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        List<String> files = env.paths().inputFiles(false).stream().filter(f -> f.endsWith(".latent")).toList();
        return Spec.create().required("latent", Spec.combo(files)).build();
    }

    @Override
    public List<String> validateInputNames() {
        return List.of("s", "latent");
    }

    @Override
    public String validateInputs(Map<String, JsonNode> inputs, NodeEnv env) {
        String name = LoadImage.requireName(inputs.get("latent"));
        return env.paths().existsAnnotatedFilepath(name) ? null : "Invalid latent file: " + name;
    }

    @Override
    public boolean hasIsChanged() {
        return true;
    }

    @Override
    public JsonNode isChanged(Map<String, JsonNode> inputs, NodeEnv env) {
        String name = LoadImage.requireName(inputs.get("latent"));
        return TextNode.valueOf(ImageFiles.sha256Hex(env.paths().getAnnotatedFilepath(name)));
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws IOException {
        return NodeResult.of(LatentFile.read(Path.of(ctx.env().paths().getAnnotatedFilepath(in.str("latent")))));
    }
}
