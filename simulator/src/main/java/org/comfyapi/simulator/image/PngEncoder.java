package org.comfyapi.simulator.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** A small PNG writer (8-bit RGB or RGBA) that can add tEXt chunks, as PIL's PngInfo does. */
public final class PngEncoder {
    private PngEncoder() {
    }

    public static byte[] encode(BufferedImage img, boolean alpha, Map<String, String> text, int compressLevel) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            header(out, img.getWidth(), img.getHeight(), alpha);
            if (text != null) {
                for (Map.Entry<String, String> e : text.entrySet()) {
                    ByteArrayOutputStream t = new ByteArrayOutputStream();
                    t.write(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
                    t.write(0);
                    t.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
                    chunk(out, "tEXt", t.toByteArray());
                }
            }
            chunk(out, "IDAT", imageData(img, alpha, compressLevel));
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PNG signature and IHDR (8-bit RGB or RGBA). */
    static void header(ByteArrayOutputStream out, int w, int h, boolean alpha) throws IOException {
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.writeByte(8);
        d.writeByte(alpha ? 6 : 2);
        d.writeByte(0);
        d.writeByte(0);
        d.writeByte(0);
        chunk(out, "IHDR", ihdr.toByteArray());
    }

    /** The zlib stream of IDAT (or an APNG fdAT) for one image: Sub-filtered rows. */
    static byte[] imageData(BufferedImage img, boolean alpha, int compressLevel) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        int bpp = alpha ? 4 : 3;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(compressLevel);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 65536)) {
            byte[] row = new byte[w * bpp];
            byte[] filtered = new byte[w * bpp + 1];
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = argb[x];
                    int o = x * bpp;
                    row[o] = (byte) (p >> 16);
                    row[o + 1] = (byte) (p >> 8);
                    row[o + 2] = (byte) p;
                    if (alpha) row[o + 3] = (byte) (p >>> 24);
                }
                filtered[0] = 1; // Sub filter
                for (int i = 0; i < row.length; i++) {
                    int left = i >= bpp ? row[i - bpp] : 0;
                    filtered[i + 1] = (byte) (row[i] - left);
                }
                z.write(filtered);
            }
        } finally {
            deflater.end();
        }
        return idat.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
