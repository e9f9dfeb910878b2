package org.comfyapi.server.workflow;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tells when a file appears in or leaves MODEL_DIR (a download linked into a model folder, a copy by
 * hand), so the workflows' model enums can follow. Watches every folder below it, new ones too.
 */
final class ModelDirWatcher implements AutoCloseable {
    private static final Log LOG = Log.get("workflow");

    private final WatchService service;
    private final Runnable onChange;

    private ModelDirWatcher(WatchService service, Runnable onChange) {
        this.service = service;
        this.onChange = onChange;
    }

    /** Empty when the directory is missing or cannot be watched (then models are read only at start). */
    static Optional<ModelDirWatcher> start(Path modelDir, Runnable onChange) {
        if (!Files.isDirectory(modelDir)) return Optional.empty();
        try {
            ModelDirWatcher watcher = new ModelDirWatcher(FileSystems.getDefault().newWatchService(), onChange);
            watcher.registerTree(modelDir);
            Thread.ofVirtual().name("model-dir-watch").start(watcher::run);
            return Optional.of(watcher);
        } catch (IOException e) {
            LOG.debug("cannot watch MODEL_DIR; new models reach workflows after a restart", "error", e.toString());
            return Optional.empty();
        }
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                boolean changed = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    changed = true;
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                        Path created = dir.resolve((Path) event.context());
                        if (Files.isDirectory(created)) {
                            try {
                                registerTree(created);
                            } catch (IOException e) {
                                LOG.debug("cannot watch new model folder", "path", created, "error", e.toString());
                            }
                        }
                    }
                }
                key.reset();
                if (changed) onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // on the way out
        }
    }
}
