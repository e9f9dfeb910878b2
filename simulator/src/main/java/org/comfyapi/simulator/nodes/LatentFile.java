package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The .latent file of SaveLatent and LoadLatent: safetensors holding {@code latent_tensor} [B,4,H,W] float32 and an
 * empty {@code latent_format_version_0}. The simulator's tensor values are a pure function of the latent's
 * fingerprint (its first four values carry it 16 bits at a time), so loading a saved latent gives back the same
 * fingerprint; any other tensor gets a fingerprint hashed from its bytes.
 */
final class LatentFile {
    static final String TENSOR = "latent_tensor";
    static final String VERSION = "latent_format_version_0";
    private static final long MAX_HEADER = 100_000_000;

    private LatentFile() {
    }

    static void write(Latent latent, Path file, Map<String, String> metadata) throws IOException {
        long count = (long) latent.batch() * 4 * latent.height() * latent.width();
        ObjectNode header = PyJson.object();
        if (metadata != null) metadata.forEach(header.putObject("__metadata__")::put);
        tensorEntry(header.putObject(VERSION), 0, 0).add(0);
        tensorEntry(header.putObject(TENSOR), 0, count * 4)
                .add(latent.batch()).add(4).add(latent.height()).add(latent.width());
        byte[] json = PyJson.MAPPER.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            ByteBuffer value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values(latent.fingerprint(), count)) out.write(value.clear().putFloat(v).array());
        }
    }

    private static ArrayNode tensorEntry(ObjectNode entry, long begin, long end) {
        entry.put("dtype", "F32");
        entry.putArray("data_offsets").add(begin).add(end);
        return entry.putArray("shape");
    }

    static Latent read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.size() < 8) throw headerError("HeaderTooSmall");
            readFully(ch, size, 0);
            long headerSize = size.getLong(0);
            if (headerSize < 0 || headerSize > MAX_HEADER || headerSize > ch.size() - 8) throw headerError("HeaderTooLarge");
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerSize);
            readFully(ch, headerBytes, 8);
            JsonNode header;
            try {
                header = PyJson.MAPPER.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw headerError("InvalidHeaderDeserialization");
            }
            JsonNode tensor = header.path(TENSOR);
            if (!tensor.isObject()) throw new PyException("KeyError", "'" + TENSOR + "'");
            JsonNode shape = tensor.path("shape");
            long begin = tensor.path("data_offsets").path(0).asLong();
            long end = tensor.path("data_offsets").path(1).asLong();
            if (shape.size() < 3 || end < begin || 8 + headerSize + end > ch.size()) throw headerError("InvalidOffset");
            ByteBuffer data = ByteBuffer.allocate((int) (end - begin));
            readFully(ch, data, 8 + headerSize + begin);
            int batch = shape.get(0).asInt();
            int height = shape.get(shape.size() - 2).asInt();
            int width = shape.get(shape.size() - 1).asInt();
            return new Latent(batch, width, height, fingerprint(data.array(), tensor.path("dtype").asText(), header.has(VERSION)));
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = ch.read(into, position);
            if (n < 0) throw headerError("InvalidOffset");
            position += n;
        }
    }

    private static PyException headerError(String kind) {
        return new PyException("SafetensorError", "Error while deserializing header: " + kind);
    }

    /** The fingerprint of saved values: 0 for zeros, the encoded one when the values are exactly ours, else a hash. */
    private static long fingerprint(byte[] data, String dtype, boolean currentFormat) {
        boolean zeros = true;
        for (byte b : data) zeros &= b == 0;
        if (zeros) return 0;
        ByteBuffer floats = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (currentFormat && dtype.equals("F32") && data.length >= 16 && data.length % 4 == 0) {
            long candidate = 0;
            for (int k = 0; k < 4; k++) candidate |= (Math.round(floats.getFloat(4 * k) * 65536.0) & 0xFFFF) << (16 * k);
            float[] expected = values(candidate, data.length / 4);
            boolean same = true;
            for (int i = 0; i < expected.length && same; i++) same = floats.getFloat(4 * i) == expected[i];
            if (same) return candidate;
        }
        long hash = sha256Prefix(data, dtype + currentFormat);
        return hash == 0 ? 1 : hash;
    }

    private static float[] values(long fingerprint, long count) {
        float[] v = new float[Math.toIntExact(count)];
        if (fingerprint == 0) return v;
        for (int k = 0; k < 4 && k < v.length; k++) v[k] = ((fingerprint >>> (16 * k)) & 0xFFFF) / 65536f;
        SplittableRandom rnd = new SplittableRandom(fingerprint);
        for (int i = 4; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    private static long sha256Prefix(byte[] data, String salt) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(md.digest(data)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
