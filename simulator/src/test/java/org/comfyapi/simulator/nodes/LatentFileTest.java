package org.comfyapi.simulator.nodes;

import org.comfyapi.graph.py.PyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** .latent files: ours round-trip their fingerprint, others load by shape with a fingerprint of their bytes. */
class LatentFileTest {
    @TempDir
    Path dir;

    /** A safetensors file with one F32 latent_tensor [1,4,h,w] holding {@code value} everywhere. */
    private Path foreign(String name, int h, int w, float value) throws Exception {
        int count = 4 * h * w;
        String header = "{\"latent_tensor\":{\"dtype\":\"F32\",\"shape\":[1,4," + h + "," + w + "],\"data_offsets\":[0," + 4 * count + "]}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        ByteBuffer data = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) data.putFloat(value);
        out.writeBytes(data.array());
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void aSavedLatentLoadsBackWithItsSizeAndFingerprint() throws Exception {
        Path file = dir.resolve("ours.latent");
        Latent latent = new Latent(2, 8, 6, 0x1234_5678_9ABC_DEF0L);
        LatentFile.write(latent, file, Map.of("prompt", ""));
        assertThat(LatentFile.read(file)).isEqualTo(latent);
        LatentFile.write(new Latent(1, 8, 6, 0), file, null);
        assertThat(LatentFile.read(file)).isEqualTo(new Latent(1, 8, 6, 0));
    }

    @Test
    void aForeignLatentGetsAFingerprintFromItsValues() throws Exception {
        Latent half = LatentFile.read(foreign("half.latent", 6, 8, 0.5f));
        assertThat(half.batch()).isEqualTo(1);
        assertThat(half.height()).isEqualTo(6);
        assertThat(half.width()).isEqualTo(8);
        assertThat(half.fingerprint()).isNotZero();
        assertThat(LatentFile.read(foreign("again.latent", 6, 8, 0.5f))).isEqualTo(half);
        assertThat(LatentFile.read(foreign("other.latent", 6, 8, 0.25f)).fingerprint()).isNotEqualTo(half.fingerprint());
        assertThat(LatentFile.read(foreign("zeros.latent", 6, 8, 0f)).fingerprint()).isZero();
    }

    @Test
    void aFileThatIsNotSafetensorsFailsLikeSafetensors() throws Exception {
        Path garbage = dir.resolve("garbage.latent");
        Files.writeString(garbage, "this is not a tensor file at all");
        assertThatThrownBy(() -> LatentFile.read(garbage)).isInstanceOf(PyException.class)
                .hasMessageContaining("Error while deserializing header: HeaderTooLarge");
    }
}
