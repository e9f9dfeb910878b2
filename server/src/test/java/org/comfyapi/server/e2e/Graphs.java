package org.comfyapi.server.e2e;

/** API-format graphs the simulator runs. */
final class Graphs {
    private Graphs() {
    }

    static String txt2img(long seed, int width, int height, String prefix) {
        return """
                {"3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": 4, "cfg": 8, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0],
                   "negative": ["7", 0], "latent_image": ["5", 0]}},
                 "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": %d, "height": %d, "batch_size": 1}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "%s", "images": ["8", 0]}}}
                """.formatted(seed, width, height, prefix);
    }

    /** A solid-colour image, inverted, then saved: the output's pixels are the colour's inverse. */
    static String invert(int color, int width, int height, String prefix) {
        return """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": %d, "height": %d, "batch_size": 1, "color": %d}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "%s", "images": ["2", 0]}}}
                """.formatted(width, height, color, prefix);
    }

    /** An image through a SimulatorFault node (mode: none, error, hang, crash, slow). */
    static String fault(String mode, int ms, int color) {
        return """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": %d}},
                 "2": {"class_type": "SimulatorFault", "inputs": {"mode": "%s", "ms": %d, "images": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "fault", "images": ["2", 0]}}}
                """.formatted(color, mode, ms);
    }

    static String body(String graph) {
        return "{\"prompt\": " + graph + "}";
    }

    static String body(String id, String graph) {
        return "{\"id\": \"" + id + "\", \"prompt\": " + graph + "}";
    }
}
