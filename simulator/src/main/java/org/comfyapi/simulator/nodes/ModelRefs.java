package org.comfyapi.simulator.nodes;

/** Stand-ins for MODEL, CLIP, VAE and CONDITIONING objects. */
public final class ModelRefs {
    private ModelRefs() {
    }

    /** Python's default object repr, {@code <module.Class object at 0x7f...>}, with an address derived from identity. */
    private static String repr(String qualifiedClass, Object o) {
        long address = (System.identityHashCode(o) & 0xffffffffL) << 4;
        return "<" + qualifiedClass + " object at 0x7f" + String.format("%010x", address) + ">";
    }

    public record Model(String name, String patches) implements PyValue {
        public String pyTypeName() {
            return "ModelPatcher";
        }

        public String toString() {
            return repr("comfy.model_patcher.ModelPatcher", this);
        }
    }

    public record Clip(String name, String patches) implements PyValue {
        public String pyTypeName() {
            return "CLIP";
        }

        public String toString() {
            return repr("comfy.sd.CLIP", this);
        }
    }

    public record Vae(String name) implements PyValue {
        public String pyTypeName() {
            return "VAE";
        }

        public String toString() {
            return repr("comfy.sd.VAE", this);
        }
    }

    public record Conditioning(String text, Clip clip) implements PyValue {
        public String pyTypeName() {
            return "list";
        }

        public String toString() {
            String t = Tensors.str(new int[]{1, 77, 768}, idx -> ((text.hashCode() >>> (idx[2] % 16)) & 0xff) / 255.0 - 0.5);
            return "[[" + t + ", {'pooled_output': " + Tensors.str(new int[]{1, 768}, idx -> 0.0) + "}]]";
        }
    }
}
