package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.image.ApngEncoder;
import org.comfyapi.graph.py.PyJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** SaveAnimatedPNG: all batch images as frames of one APNG; ui {"images": [...], "animated": [true]}. */
public final class SaveAnimatedPng extends NodeType {
    @Override
    public String name() {
        return "SaveAnimatedPNG";
    }

    @Override
    public String category() {
        return "image/animation";
    }

    @Override
    public String pythonModule() {
        return "comfy_extras.nodes_images";
    }

    @Override
    public boolean outputNode() {
        return true;
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("images", Spec.type("IMAGE"))
                .required("filename_prefix", Spec.type("STRING", Spec.opts().put("default", "ComfyUI")))
                .required("fps", Spec.type("FLOAT", Spec.floatOpts(6.0, 0.01, 1000.0, 0.01)))
                .required("compress_level", Spec.type("INT", Spec.intOpts(4, 0, 9)))
                .hiddenPromptInfo()
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws IOException {
        ImageBatch images = in.obj("images", ImageBatch.class, "cpu");
        FolderPaths.SavePath sp = ctx.env().paths().saveImagePath(in.str("filename_prefix"), ctx.env().paths().outputDir(),
                images.width(), images.height());
        Map<String, String> comf = ctx.env().disableMetadata() ? null : SaveImage.metadata(in);
        String file = SaveImage.fileName(sp.filename(), sp.counter(), "png");
        byte[] png = ApngEncoder.encode(images.images(), (int) (1000.0 / in.dbl("fps")), comf, (int) in.integer("compress_level"));
        Files.write(Path.of(sp.fullOutputFolder(), file), png);
        ObjectNode ui = PyJson.object();
        SaveImage.addResult(ui.putArray("images"), file, sp.subfolder(), "output");
        ui.putArray("animated").add(true);
        return NodeResult.ui(ui);
    }
}
