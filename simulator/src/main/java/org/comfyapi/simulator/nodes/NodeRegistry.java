package org.comfyapi.simulator.nodes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** NODE_CLASS_MAPPINGS, in registration order. */
public final class NodeRegistry {
    private final Map<String, NodeType> types = new LinkedHashMap<>();

    public NodeRegistry(List<NodeType> nodeTypes) {
        nodeTypes.forEach(t -> types.put(t.name(), t));
    }

    public static NodeRegistry standard() {
        return new NodeRegistry(List.of(new KSampler(), new CheckpointLoaderSimple(), new ClipTextEncode(), new VaeDecode(),
                new EmptyLatentImage(), new SaveImage(), new PreviewImage(), new LoadImage(), new LoadImageMask(),
                new ImageScale(), new ImageInvert(), new EmptyImage(), new LoraLoader(), new VaeLoader(),
                new SaveAnimatedWebp(), new SimulatorFault(), Primitive.string(), Primitive.multilineString(), Primitive.integer(), Primitive.floating(),
                Primitive.bool(), new PreviewAny(), new ImageScaleBy(), new BatchImages(), new ImagePadForOutpaint(),
                new ImageBlur(), new ImageSharpen(), new ImageQuantize(), new ImageCrop(), new RepeatImageBatch(),
                new ImageFromBatch(), new ImageAddNoise(), new SaveAnimatedPng(), new ImageCompositeMasked(), new ImageToMask(),
                new MaskToImage(), new SolidMask(), new InvertMask(), new RebatchImages(), new SaveLatent(), new LoadLatent()));
    }

    public NodeType get(String name) {
        return types.get(name);
    }

    public Iterable<NodeType> all() {
        return types.values();
    }
}
