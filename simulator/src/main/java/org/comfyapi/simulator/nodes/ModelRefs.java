package org.comfyapi.simulator.nodes;

/** Stand-ins for MODEL, CLIP, VAE and CONDITIONING objects. */
public final class ModelRefs {
    private ModelRefs() {
    }

    private static String addr(Object o) {
        return "0x7f" + String.format("%010x", (System.identityHashCode(o) & 0xffffffffL) << 4);
    }

    public record Model(String name, String patches) implements PyValue {
        public String pyTypeName() {
            return "ModelPatcher";
        }

        public String toString() {
            return "<comfy.model_patcher.ModelPatcher object at " + addr(this) + ">";
        }
    }

    public record Clip(String name, String patches) implements PyValue {
        public String pyTypeName() {
            return "CLIP";
        }

        public String toString() {
            return "<comfy.sd.CLIP object at " + addr(this) + ">";
        }
    }

    public record Vae(String name) implements PyValue {
        public String pyTypeName() {
            return "VAE";
        }

        public String toString() {
            return "<comfy.sd.VAE object at " + addr(this) + ">";
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
