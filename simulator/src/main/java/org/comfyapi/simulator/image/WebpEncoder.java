package org.comfyapi.simulator.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lossless WebP writer: each frame is a VP8L bitstream using only literal pixels with fixed 8-bit prefix codes.
 * Several frames produce an animated file (VP8X + ANIM + ANMF); an optional EXIF payload is appended.
 */
public final class WebpEncoder {
    private WebpEncoder() {
    }

    public static byte[] encode(List<BufferedImage> frames, int durationMs, byte[] exif) {
        BufferedImage first = frames.getFirst();
        int w = first.getWidth();
        int h = first.getHeight();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        if (frames.size() == 1 && exif == null) {
            chunk(body, "VP8L", vp8l(first));
        } else {
            boolean animated = frames.size() > 1;
            boolean alpha = frames.stream().anyMatch(f -> f.getColorModel().hasAlpha());
            byte[] vp8x = new byte[10];
            vp8x[0] = (byte) ((animated ? 0x02 : 0) | (exif != null ? 0x08 : 0) | (alpha ? 0x10 : 0));
            put24(vp8x, 4, w - 1);
            put24(vp8x, 7, h - 1);
            chunk(body, "VP8X", vp8x);
            if (animated) {
                chunk(body, "ANIM", new byte[]{0, 0, 0, 0, 0, 0});
                for (BufferedImage f : frames) {
                    ByteArrayOutputStream anmf = new ByteArrayOutputStream();
                    byte[] hdr = new byte[16];
                    put24(hdr, 6, f.getWidth() - 1);
                    put24(hdr, 9, f.getHeight() - 1);
                    put24(hdr, 12, durationMs);
                    hdr[15] = 0x02; // do not blend, no dispose
                    anmf.writeBytes(hdr);
                    chunk(anmf, "VP8L", vp8l(f));
                    chunk(body, "ANMF", anmf.toByteArray());
                }
            } else {
                chunk(body, "VP8L", vp8l(first));
            }
            if (exif != null) chunk(body, "EXIF", exif);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        byte[] b = body.toByteArray();
        writeLe32(out, b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String fourcc, byte[] data) {
        out.writeBytes(fourcc.getBytes(StandardCharsets.US_ASCII));
        writeLe32(out, data.length);
        out.writeBytes(data);
        if ((data.length & 1) == 1) out.write(0);
    }

    private static void writeLe32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >> 8);
        out.write(v >> 16);
        out.write(v >> 24);
    }

    private static void put24(byte[] a, int off, int v) {
        a[off] = (byte) v;
        a[off + 1] = (byte) (v >> 8);
        a[off + 2] = (byte) (v >> 16);
    }

    /** One VP8L image: no transforms, no color cache, one prefix-code group, literals only. */
    static byte[] vp8l(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean alpha = img.getColorModel().hasAlpha();
        BitWriter bw = new BitWriter();
        bw.put(0x2f, 8);
        bw.put(w - 1, 14);
        bw.put(h - 1, 14);
        bw.put(alpha ? 1 : 0, 1);
        bw.put(0, 3);
        bw.put(0, 1); // no transform
        bw.put(0, 1); // no color cache
        bw.put(0, 1); // no meta prefix codes
        writeFixed8(bw, 280); // green + length prefixes
        writeFixed8(bw, 256); // red
        writeFixed8(bw, 256); // blue
        if (alpha) writeFixed8(bw, 256);
        else writeSingleSymbol(bw, 255);
        writeSingleSymbol(bw, 0); // distance
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                bw.put(REV[(p >> 8) & 0xff], 8);
                bw.put(REV[(p >> 16) & 0xff], 8);
                bw.put(REV[p & 0xff], 8);
                if (alpha) bw.put(REV[(p >>> 24) & 0xff], 8);
            }
        }
        return bw.toByteArray();
    }

    private static final int[] REV = new int[256];

    static {
        for (int i = 0; i < 256; i++) REV[i] = Integer.reverse(i) >>> 24;
    }

    /** A normal prefix code where symbols 0..255 have length 8 and the rest of the alphabet length 0. */
    private static void writeFixed8(BitWriter bw, int alphabetSize) {
        bw.put(0, 1); // normal code
        bw.put(12 - 4, 4); // code length codes in order 17,18,0,1,2,3,4,5,16,6,7,8
        int[] lens = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        for (int l : lens) bw.put(l, 3);
        bw.put(0, 1); // max_symbol = alphabet size
        for (int s = 0; s < alphabetSize; s++) bw.put(s < 256 ? 1 : 0, 1); // code '1' = length 8, '0' = length 0
    }

    private static void writeSingleSymbol(BitWriter bw, int symbol) {
        bw.put(1, 1); // simple code
        bw.put(0, 1); // one symbol
        if (symbol < 2) {
            bw.put(0, 1);
            bw.put(symbol, 1);
        } else {
            bw.put(1, 1);
            bw.put(symbol, 8);
        }
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int bits;

        void put(int value, int n) {
            acc |= ((long) value & ((1L << n) - 1)) << bits;
            bits += n;
            while (bits >= 8) {
                out.write((int) (acc & 0xff));
                acc >>>= 8;
                bits -= 8;
            }
        }

        byte[] toByteArray() {
            if (bits > 0) {
                out.write((int) (acc & 0xff));
                acc = 0;
                bits = 0;
            }
            return out.toByteArray();
        }
    }

    /** A little-endian TIFF block with ASCII entries, as Pillow writes Exif for WebP. */
    public static byte[] exifAscii(java.util.SortedMap<Integer, String> tags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = tags.size();
        int dataOffset = 8 + 2 + n * 12 + 4;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{'I', 'I', 42, 0, 8, 0, 0, 0});
        out.write(n);
        out.write(n >> 8);
        for (var e : tags.entrySet()) {
            byte[] v = (e.getValue() + "\0").getBytes(StandardCharsets.ISO_8859_1);
            out.write(e.getKey());
            out.write(e.getKey() >> 8);
            out.write(2);
            out.write(0);
            writeLe32(out, v.length);
            if (v.length <= 4) {
                byte[] inline = new byte[4];
                System.arraycopy(v, 0, inline, 0, v.length);
                out.writeBytes(inline);
            } else {
                writeLe32(out, dataOffset + data.size());
                data.writeBytes(v);
                if ((v.length & 1) == 1) data.write(0);
            }
        }
        writeLe32(out, 0);
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }
}
