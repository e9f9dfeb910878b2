package org.comfyapi.server.workflow;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Transpiled workflow files on disk, named by a hash of the bundled tool versions, the transforms and
 * the file's text: a restart with unchanged files never loads sucrase, which is most of a cold load.
 */
final class TranspileCache {
    private static final Log LOG = Log.get("workflow");
    static final TranspileCache NONE = new TranspileCache(null);

    private final Path dir;

    /** @param dir where to keep the files (created when first needed); null keeps nothing */
    TranspileCache(Path dir) {
        this.dir = dir;
    }

    static String key(String transforms, String code) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Versions.TEXT.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(transforms.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(code.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<String> get(String key) {
        if (dir == null) return Optional.empty();
        Path file = dir.resolve(key + ".js");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void put(String key, String commonJs) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            Path temp = dir.resolve(key + ".js.part-" + UUID.randomUUID());
            Files.writeString(temp, commonJs);
            Files.move(temp, dir.resolve(key + ".js"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("cannot keep a transpiled workflow", "dir", dir, "error", e.toString());
        }
    }

    /** The versions of sucrase and the other bundled tools, as the build wrote them. */
    private static final class Versions {
        static final String TEXT = read();

        private static String read() {
            try (InputStream in = TranspileCache.class.getResourceAsStream("/js/versions.txt")) {
                return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
