package org.comfyapi.server.job;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Files of async jobs kept for download: {@code <root>/<job id>/<filename>}. */
public final class KeptOutputs {
    private static final Log LOG = Log.get("job.outputs");

    private final Path root;

    public KeptOutputs(Path root) {
        this.root = root;
    }

    /** Start-up: whatever a previous run kept belongs to jobs this run does not know. */
    public void wipe() {
        deleteTree(root);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** The job's folder, created. */
    public Path dir(String id) throws IOException {
        if (!JobIds.valid(id)) throw new IllegalArgumentException("bad job id");
        return Files.createDirectories(root.resolve(id));
    }

    /** The kept file, if that job kept one by that plain name. */
    public Optional<Path> find(String id, String filename) {
        if (!JobIds.valid(id) || !JobIds.validFilename(filename)) return Optional.empty();
        Path dir = root.resolve(id);
        Path file = dir.resolve(filename).normalize();
        if (!file.getParent().equals(dir) || !Files.isRegularFile(file)) return Optional.empty();
        return Optional.of(file);
    }

    public void delete(String id) {
        if (JobIds.valid(id)) deleteTree(root.resolve(id));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete kept outputs", "path", dir, "error", e.toString());
        }
    }
}
