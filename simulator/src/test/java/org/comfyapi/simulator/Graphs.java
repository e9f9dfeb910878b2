package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;

/** API-format graphs used by the tests. */
final class Graphs {
    private Graphs() {
    }

    /** The protocol's reference graph: 4 ckpt, 5 latent, 6/7 text, 3 KSampler, 8 decode, 9 save. */
    static ObjectNode txt2img(long seed, int steps, String prefix) {
        return (ObjectNode) PyJson.loads("""
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 1}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["4", 1]}},
                 "3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": %d, "cfg": 8, "sampler_name": "euler",
                        "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
                        "latent_image": ["5", 0]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "%s", "images": ["8", 0]}}}
                """.formatted(seed, steps, prefix));
    }

    /** EmptyImage -> SimulatorFault(mode, ms) -> SaveImage. */
    static ObjectNode fault(String mode, int ms, String prefix) {
        return (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 255}},
                 "2": {"class_type": "SimulatorFault", "inputs": {"mode": "%s", "ms": %d, "images": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "%s", "images": ["2", 0]}}}
                """.formatted(mode, ms, prefix));
    }
}
