package org.comfyapi.server.storage;

import java.nio.file.Path;

/** What the system webhook hears about files: {@code storage.file_downloaded}, {@code _uploaded}, {@code _deleted}. */
public interface StorageEvents {
    StorageEvents NONE = new StorageEvents() {
    };

    /** @param url already redacted */
    default void downloaded(String url, Path localPath, long size, long millis) {
    }

    /** @param url already redacted */
    default void uploaded(Path localPath, String url, long size, long millis) {
    }

    /** @param url already redacted, or null when the cache file predates this process */
    default void deleted(String url, Path localPath, long size) {
    }
}
