package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.image.WebpEncoder;
import org.comfyapi.graph.py.PyJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** SaveAnimatedWEBP: all batch images as frames of one WebP file (always lossless here). */
public final class SaveAnimatedWebp extends NodeType {
    @Override
    public String name() {
        return "SaveAnimatedWEBP";
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
                .required("lossless", Spec.type("BOOLEAN", Spec.opts().put("default", true)))
                .required("quality", Spec.type("INT", Spec.intOpts(80, 0, 100)))
                .required("method", Spec.combo(List.of("default", "fastest", "slowest")))
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
        double fps = in.dbl("fps");
        FolderPaths.SavePath sp = ctx.env().paths().saveImagePath(in.str("filename_prefix"), ctx.env().paths().outputDir(),
                images.width(), images.height());
        byte[] exif = null;
        if (!ctx.env().disableMetadata()) {
            SortedMap<Integer, String> tags = new TreeMap<>();
            JsonNode prompt = in.jsonOrNull("prompt");
            if (prompt != null && !prompt.isNull()) tags.put(0x0110, "prompt:" + PyJson.dumps(prompt));
            Map<String, String> extra = SaveImage.metadata(new Inputs(Map.of("extra_pnginfo", in.raw("extra_pnginfo") == null ? PyJson.object() : in.raw("extra_pnginfo"))));
            int tag = 0x010f;
            for (Map.Entry<String, String> e : extra.entrySet()) tags.put(tag--, e.getKey() + ":" + e.getValue());
            if (!tags.isEmpty()) exif = WebpEncoder.exifAscii(tags);
        }
        String file = SaveImage.fileName(sp.filename(), sp.counter(), "webp");
        Files.write(Path.of(sp.fullOutputFolder(), file), WebpEncoder.encode(images.images(), (int) (1000.0 / fps), exif));
        ObjectNode ui = PyJson.object();
        SaveImage.addResult(ui.putArray("images"), file, sp.subfolder(), "output");
        ui.putArray("animated").add(images.size() != 1);
        return NodeResult.ui(ui);
    }
}
