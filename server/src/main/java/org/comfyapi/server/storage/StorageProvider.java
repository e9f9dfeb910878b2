package org.comfyapi.server.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One storage backend: which URLs it downloads, how, and where and how it uploads its kind of
 * {@link UploadTarget}. {@link RemoteFiles} asks its providers in order; adding a backend means
 * adding a provider and its target record, nothing else.
 *
 * @param <T> the upload target this provider takes
 */
interface StorageProvider<T extends UploadTarget> extends AutoCloseable {

    /** Whether {@link #download} of {@code url} belongs here; {@code auth} is the request's credentials for it. */
    boolean downloads(URI url, Optional<Auth> auth);

    /** Streams {@code url} into {@code destination}. */
    DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException;

    Class<T> targetType();

    /** The URL an upload of the plain file name {@code name} to {@code target} lands at. */
    String destination(T target, String name) throws UploadException;

    /** Uploads {@code file} as {@code name}; {@code cancellation} fires when a newer upload to the same URL starts. */
    void upload(Path file, String name, T target, Optional<Auth> auth, Cancellation cancellation) throws UploadException;

    @Override
    default void close() {}

    /** A backend that is not configured: it downloads nothing and every upload to its target fails with {@code why}. */
    static <T extends UploadTarget> StorageProvider<T> unavailable(Class<T> targetType, String why) {
        return new StorageProvider<>() {
            @Override public boolean downloads(URI url, Optional<Auth> auth) { return false; }

            @Override public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
                throw new DownloadException(DownloadException.Reason.INVALID, why);
            }

            @Override public Class<T> targetType() { return targetType; }

            @Override public String destination(T target, String name) throws UploadException {
                throw new UploadException(why);
            }

            @Override public void upload(Path file, String name, T target, Optional<Auth> auth, Cancellation cancellation)
                    throws UploadException {
                throw new UploadException(why);
            }
        };
    }
}
