package org.comfyapi.simulator.nodes;

/**
 * LATENT: {"samples": [B,4,H/8,W/8]}. The simulator keeps only what decoding needs: the size and a fingerprint
 * of how it was sampled (0 for an empty latent).
 */
public record Latent(int batch, int width, int height, long fingerprint) implements PyValue {
    @Override
    public String pyTypeName() {
        return "dict";
    }

    @Override
    public String toString() {
        double fill = fingerprint == 0 ? 0 : (fingerprint % 1000) / 1000.0;
        return "{'samples': " + Tensors.str(new int[]{batch, 4, height, width}, idx -> fill) + "}";
    }
}
