package org.comfyapi.simulator.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Animated PNG as PIL writes it for SaveAnimatedPNG: acTL, then per frame fcTL + IDAT (first) or fdAT, each frame
 * {@code durationMs} long; "comf" chunks (keyword NUL value) after the image data. One frame gives a plain PNG, as PIL does.
 */
public final class ApngEncoder {
    private ApngEncoder() {
    }

    public static byte[] encode(List<BufferedImage> frames, int durationMs, Map<String, String> comf, int compressLevel) {
        try {
            BufferedImage first = frames.getFirst();
            int w = first.getWidth();
            int h = first.getHeight();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PngEncoder.header(out, w, h, false);
            boolean animated = frames.size() > 1;
            if (animated) chunk(out, "acTL", frames.size(), 0);
            int sequence = 0;
            for (int i = 0; i < frames.size(); i++) {
                byte[] data = PngEncoder.imageData(frames.get(i), false, compressLevel);
                if (animated) {
                    ByteArrayOutputStream fc = new ByteArrayOutputStream();
                    DataOutputStream d = new DataOutputStream(fc);
                    d.writeInt(sequence++);
                    d.writeInt(w);
                    d.writeInt(h);
                    d.writeInt(0);
                    d.writeInt(0);
                    d.writeShort(durationMs);
                    d.writeShort(1000);
                    d.writeByte(0);
                    d.writeByte(0);
                    PngEncoder.chunk(out, "fcTL", fc.toByteArray());
                }
                if (i == 0) {
                    PngEncoder.chunk(out, "IDAT", data);
                } else {
                    ByteArrayOutputStream fd = new ByteArrayOutputStream();
                    new DataOutputStream(fd).writeInt(sequence++);
                    fd.write(data);
                    PngEncoder.chunk(out, "fdAT", fd.toByteArray());
                }
            }
            if (comf != null) {
                for (Map.Entry<String, String> e : comf.entrySet()) {
                    ByteArrayOutputStream t = new ByteArrayOutputStream();
                    t.write(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
                    t.write(0);
                    t.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
                    PngEncoder.chunk(out, "comf", t.toByteArray());
                }
            }
            PngEncoder.chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, int a, int b) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(data);
        d.writeInt(a);
        d.writeInt(b);
        PngEncoder.chunk(out, type, data.toByteArray());
    }
}
