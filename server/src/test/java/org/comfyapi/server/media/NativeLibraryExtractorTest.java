package org.comfyapi.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryExtractorTest {

    @TempDir
    Path dir;

    @Test
    void unpacksOnceAndReusesTheCopy() throws Exception {
        Path first = NativeLibraryExtractor.extract(dir.resolve("native"));
        assertThat(first.getFileName().toString()).startsWith("libvips-cpp.so.");
        FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
        Files.setLastModifiedTime(first, old); // a rewrite would show as a new time
        long modified = old.toMillis();

        Path second = NativeLibraryExtractor.extract(dir.resolve("native"));

        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
        try (var files = Files.list(dir.resolve("native"))) {
            assertThat(files).containsExactly(first);
        }
    }

    @Test
    void replacesADamagedCopy() throws Exception {
        Path lib = NativeLibraryExtractor.extract(dir);
        long size = Files.size(lib);
        Files.write(lib, new byte[] {1, 2, 3});

        assertThat(NativeLibraryExtractor.extract(dir)).isEqualTo(lib);
        assertThat(Files.size(lib)).isEqualTo(size);
    }

    @Test
    void defaultFolderIsUnderTmpAndNamedByContent() {
        Path folder = NativeLibraryExtractor.defaultDirectory();
        assertThat(folder.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(folder.getFileName().toString()).matches("comfyui-api-native-[0-9a-f]{16}");
        assertThat(NativeLibraryExtractor.packageVersion()).isEqualTo("1.3.4");
    }
}
