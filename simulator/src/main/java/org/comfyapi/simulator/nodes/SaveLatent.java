package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.fs.FolderPaths;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SaveLatent: the latent as {@code <prefix>_<counter:05>_.latent} (safetensors) in the output directory; UI "latents". */
public final class SaveLatent extends FixedNode {
    public SaveLatent() {
        super("SaveLatent", Family.core("_for_testing"));
    }

    @Override
    public boolean outputNode() {
        return true;
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("samples", Spec.type("LATENT"))
                .required("filename_prefix", Spec.type("STRING", Spec.opts().put("default", "latents/ComfyUI")))
                .hiddenPromptInfo()
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws IOException {
        Latent latent = in.obj("samples", Latent.class, "__getitem__");
        String prefix = in.has("filename_prefix") ? in.str("filename_prefix") : "ComfyUI";
        FolderPaths.SavePath sp = ctx.env().paths().saveImagePath(prefix, ctx.env().paths().outputDir(), 0, 0);
        String file = SaveImage.fileName(sp.filename(), sp.counter(), "latent");
        LatentFile.write(latent, Path.of(sp.fullOutputFolder(), file), ctx.env().disableMetadata() ? null : metadata(in));
        ArrayNode results = PyJson.array();
        SaveImage.addResult(results, file, sp.subfolder(), "output");
        ObjectNode ui = PyJson.object();
        ui.set("latents", results);
        return NodeResult.ui(ui);
    }

    /** Unlike the image savers, "prompt" is always there: an empty string when there is no prompt. */
    private static Map<String, String> metadata(Inputs in) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode prompt = in.jsonOrNull("prompt");
        m.put("prompt", prompt == null || prompt.isNull() ? "" : PyJson.dumps(prompt));
        m.putAll(SaveImage.metadata(in));
        return m;
    }
}
