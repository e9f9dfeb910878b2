package org.comfyapi.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Writes test PNGs: incompressible RGB noise (so a PNG of N pixels is ~3N bytes), or a photo-like picture. */
final class NoisePng {
    private NoisePng() {
    }

    /** Side of a square noise PNG of about {@code bytes} bytes. */
    static int sideFor(long bytes) {
        return (int) Math.max(8, Math.round(Math.sqrt(bytes / 3.0)));
    }

    static void noise(Path file, int width, int height, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        write(file, width, height, (y, row) -> {
            for (int i = 0; i < row.length; i += 8) {
                long r = random.nextLong();
                for (int k = 0; k < 8 && i + k < row.length; k++) row[i + k] = (byte) (r >>> (8 * k));
            }
        }, Deflater.NO_COMPRESSION);
    }

    /** Smooth gradients and waves with light grain: compresses like a rendered image, not like noise. */
    static void photo(Path file, int width, int height) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        write(file, width, height, (y, row) -> {
            for (int x = 0; x < width; x++) {
                double fx = x / (double) width;
                double fy = y / (double) height;
                double wave = Math.sin(fx * 18 + Math.cos(fy * 7) * 3) * 0.5 + 0.5;
                double disc = Math.max(0, 1 - Math.hypot(fx - 0.6, fy - 0.4) * 3);
                int grain = random.nextInt(9) - 4;
                row[3 * x] = clamp(255 * (0.2 + 0.6 * fx * wave + 0.3 * disc) + grain);
                row[3 * x + 1] = clamp(255 * (0.3 + 0.5 * fy * (1 - wave) + 0.2 * disc) + grain);
                row[3 * x + 2] = clamp(255 * (0.5 + 0.4 * Math.sin(fx * fy * 25)) * 0.8 + grain);
            }
        }, 6);
    }

    private static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }

    private interface RowFiller {
        void fill(int y, byte[] row);
    }

    private static void write(Path file, int width, int height, RowFiller filler, int level) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            raw.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(width);
            d.writeInt(height);
            d.writeByte(8);
            d.writeByte(2);
            d.writeByte(0);
            d.writeByte(0);
            d.writeByte(0);
            chunk(raw, "IHDR", ihdr.toByteArray(), ihdr.size());
            // IDAT in 1 MB chunks
            ChunkStream idat = new ChunkStream(raw);
            Deflater deflater = new Deflater(level);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
                byte[] row = new byte[width * 3];
                for (int y = 0; y < height; y++) {
                    filler.fill(y, row);
                    z.write(0);
                    z.write(row);
                }
            } finally {
                deflater.end();
            }
            idat.flushChunk();
            chunk(raw, "IEND", new byte[0], 0);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void chunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        d.writeInt((int) crc.getValue());
        d.flush();
    }

    /** Buffers deflated bytes and writes them as IDAT chunks; close() does not close the file. */
    private static final class ChunkStream extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 20];
        private int len;

        ChunkStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (len == buf.length) flushChunk();
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                if (len == buf.length) flushChunk();
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        void flushChunk() throws IOException {
            if (len > 0) chunk(out, "IDAT", buf, len);
            len = 0;
        }

        @Override
        public void close() {
            // the PNG goes on after IDAT
        }
    }
}
