package org.comfyapi.server.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads encoder choices straight from the bytes of a JPEG or WebP file, independently of libvips. */
final class Probe {

    private Probe() {
    }

    /** What a JPEG's start-of-frame segment says. */
    record JpegFrame(int marker, int width, int height, List<Integer> samplingFactors) {

        boolean progressive() {
            return marker == 0xC2;
        }

        /** "4:4:4" when all components share one sampling factor, "4:2:0" when luma is 2x2 over 1x1 chroma. */
        String chromaSubsampling() {
            if (samplingFactors.stream().distinct().count() == 1) {
                return "4:4:4";
            }
            if (samplingFactors.equals(List.of(0x22, 0x11, 0x11))) {
                return "4:2:0";
            }
            return samplingFactors.toString();
        }
    }

    static JpegFrame jpegFrame(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if ((b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            throw new IOException("not a JPEG: " + file);
        }
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                throw new IOException("lost marker sync at " + i);
            }
            int marker = b[i + 1] & 0xff;
            int length = u16(b, i + 2);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int height = u16(b, i + 5);
                int width = u16(b, i + 7);
                int components = b[i + 9] & 0xff;
                List<Integer> factors = new ArrayList<>();
                for (int c = 0; c < components; c++) {
                    factors.add(b[i + 10 + c * 3 + 1] & 0xff);
                }
                return new JpegFrame(marker, width, height, List.copyOf(factors));
            }
            i += 2 + length;
        }
        throw new IOException("no SOF marker in " + file);
    }

    /** RIFF chunk ids of a WebP file, top level plus those nested in ANIM files (ANMF counts once per frame). */
    static List<String> webpChunks(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (!fourCc(buf, 0).equals("RIFF") || !fourCc(buf, 8).equals("WEBP")) {
            throw new IOException("not a WebP: " + file);
        }
        List<String> chunks = new ArrayList<>();
        int i = 12;
        while (i + 8 <= buf.limit()) {
            String id = fourCc(buf, i);
            int size = buf.getInt(i + 4);
            chunks.add(id);
            i += 8 + size + (size & 1);
        }
        return chunks;
    }

    static long webpFrames(Path file) throws IOException {
        List<String> chunks = webpChunks(file);
        long frames = chunks.stream().filter("ANMF"::equals).count();
        return frames > 0 ? frames : 1;
    }

    /** Canvas size from the VP8X chunk of an extended (alpha or animated) WebP. */
    static int[] webpCanvas(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (!fourCc(buf, 12).equals("VP8X")) {
            throw new IOException("no VP8X chunk in " + file);
        }
        return new int[] {u24(buf, 24) + 1, u24(buf, 27) + 1};
    }

    static boolean contains(Path file, String text) throws IOException {
        byte[] haystack = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String fourCc(ByteBuffer buf, int at) {
        byte[] id = new byte[4];
        buf.get(at, id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static int u24(ByteBuffer buf, int at) {
        return (buf.get(at) & 0xff) | (buf.get(at + 1) & 0xff) << 8 | (buf.get(at + 2) & 0xff) << 16;
    }
}
