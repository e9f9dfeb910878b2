package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.fs.FolderPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** SaveAnimatedPNG and SaveAnimatedWEBP: all batch images as the frames of one file; M is the format's metadata. */
abstract class SaveAnimated<M> extends FixedNode {
    private final String extension;

    SaveAnimated(String name, String extension) {
        super(name, Family.ANIMATION);
        this.extension = extension;
    }

    @Override
    public final boolean outputNode() {
        return true;
    }

    @Override
    public final ObjectNode inputTypes(NodeEnv env) {
        Spec spec = Spec.create()
                .required("images", Spec.type("IMAGE"))
                .required("filename_prefix", Spec.type("STRING", Spec.opts().put("default", "ComfyUI")))
                .required("fps", Spec.floatWidget(6.0, 0.01, 1000.0, 0.01));
        return formatInputs(spec).hiddenPromptInfo().build();
    }

    /** The widgets of the file format, declared after fps. */
    abstract Spec formatInputs(Spec spec);

    /** prompt and extra_pnginfo as the format stores them. */
    abstract M metadata(Inputs in);

    /** The file's bytes; {@code metadata} is null under --disable-metadata. */
    abstract byte[] encode(ImageBatch images, int frameMillis, M metadata, Inputs in);

    /** ui.animated, which says whether the frontend shows the file as an animation. */
    abstract boolean animated(ImageBatch images);

    @Override
    public final NodeResult execute(ExecContext ctx, Inputs in) throws IOException {
        ImageBatch images = in.obj("images", ImageBatch.class, "cpu");
        FolderPaths.SavePath sp = ctx.env().paths().saveImagePath(in.str("filename_prefix"), ctx.env().paths().outputDir(),
                images.width(), images.height());
        M metadata = ctx.env().disableMetadata() ? null : metadata(in);
        String file = SaveImage.fileName(sp.filename(), sp.counter(), extension);
        Files.write(Path.of(sp.fullOutputFolder(), file), encode(images, (int) (1000.0 / in.dbl("fps")), metadata, in));
        ObjectNode ui = PyJson.object();
        SaveImage.addResult(ui.putArray("images"), file, sp.subfolder(), "output");
        ui.putArray("animated").add(animated(images));
        return NodeResult.ui(ui);
    }
}
