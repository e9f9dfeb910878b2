package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.image.PngEncoder;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** SaveImage: PNGs into the output directory, named {@code <stem>_<counter:05>_.png}. */
public class SaveImage extends FixedNode {
    public SaveImage() {
        this("SaveImage", "Save Image");
    }

    SaveImage(String name, String displayName) {
        super(name, displayName, Family.IMAGE);
    }

    @Override
    public String description() {
        return "Saves the input images to your ComfyUI output directory.";
    }

    @Override
    public boolean outputNode() {
        return true;
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("images", Spec.tooltip("IMAGE", "The images to save."))
                .required("filename_prefix", Spec.type("STRING", Spec.opts().put("default", "ComfyUI").put("tooltip",
                        "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")))
                .hiddenPromptInfo()
                .build();
    }

    protected String outputDir(NodeEnv env) {
        return env.paths().outputDir();
    }

    protected String type() {
        return "output";
    }

    protected String prefixAppend(ExecContext ctx) {
        return "";
    }

    protected int compressLevel() {
        return 4;
    }

    protected String filenamePrefix(Inputs in) {
        return in.has("filename_prefix") ? in.str("filename_prefix") : "ComfyUI";
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws IOException {
        ImageBatch images = in.obj("images", ImageBatch.class, "cpu");
        String prefix = filenamePrefix(in) + prefixAppend(ctx);
        FolderPaths.SavePath sp = ctx.env().paths().saveImagePath(prefix, outputDir(ctx.env()), images.width(), images.height());
        Map<String, String> metadata = ctx.env().disableMetadata() ? null : metadata(in);
        ArrayNode results = PyJson.array();
        int counter = sp.counter();
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = images.images().get(i);
            String file = fileName(sp.filename().replace("%batch_num%", String.valueOf(i)), counter, "png");
            Files.write(Path.of(sp.fullOutputFolder(), file), PngEncoder.encode(img, false, metadata, compressLevel()));
            addResult(results, file, sp.subfolder(), type());
            counter++;
        }
        ObjectNode ui = PyJson.object();
        ui.set("images", results);
        return NodeResult.ui(ui);
    }

    /** The name the save nodes give a file: {@code <stem>_<counter:05>_.<extension>}. */
    static String fileName(String stem, int counter, String extension) {
        return stem + "_" + String.format("%05d", counter) + "_." + extension;
    }

    /** Appends one saved-file entry of ui.images: filename, subfolder, type (in that order). */
    static void addResult(ArrayNode results, String file, String subfolder, String type) {
        results.addObject().put("filename", file).put("subfolder", subfolder).put("type", type);
    }

    /** PNG text chunks: "prompt" and one per extra_pnginfo key, each json.dumps'ed. */
    static Map<String, String> metadata(Inputs in) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode prompt = in.jsonOrNull("prompt");
        if (prompt != null && !prompt.isNull()) m.put("prompt", PyJson.dumps(prompt));
        JsonNode extra = in.jsonOrNull("extra_pnginfo");
        if (extra != null && !extra.isNull()) {
            if (!extra.isObject()) {
                throw new PyException("TypeError", "string indices must be integers, not 'str'");
            }
            extra.properties().forEach(e -> m.put(e.getKey(), PyJson.dumps(e.getValue())));
        }
        return m;
    }
}
