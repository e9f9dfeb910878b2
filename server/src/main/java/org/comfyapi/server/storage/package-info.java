/**
 * Remote files: downloads into local paths and uploads of outputs, over S3, Azure Blob Storage,
 * Hugging Face and plain HTTP(S), each a {@link org.comfyapi.server.storage.StorageProvider}
 * (its URL matching, download, upload and destination naming in one class).
 *
 * <p>Entry point: one {@link org.comfyapi.server.storage.RemoteFiles} per server, built from
 * {@link org.comfyapi.server.storage.StorageSettings#fromEnv}. Every call blocks; run them on
 * virtual threads. Per request, {@link org.comfyapi.server.storage.Credentials#parse} reads
 * {@code credentials} and {@link org.comfyapi.server.storage.Credentials#forUrl} picks the auth
 * for each URL; {@link org.comfyapi.server.storage.UploadTarget#fromRequest} reads the upload
 * target.
 *
 * <p>Downloads stream into the destination the caller chose (a temporary name it renames once
 * the call returns); a failure deletes it and throws a
 * {@link org.comfyapi.server.storage.DownloadException} whose message is safe to show the user.
 * Uploads return the object's URL: {@code s3://bucket/key} for S3 (region-independent and what
 * the request named), the blob URL for Azure, the file's {@code resolve} URL for Hugging Face,
 * the PUT URL for HTTP. {@link org.comfyapi.server.net.HttpUrls#parse} is the one check for
 * "an http(s) URL".
 *
 * <p>Secrets never reach a log line or a message: URLs pass through
 * {@link org.comfyapi.server.storage.Urls#redact}, and the auth records print no secret.
 * {@link org.comfyapi.server.storage.ProxySettings} ({@code HTTP_PROXY}, {@code HTTPS_PROXY},
 * {@code NO_PROXY}) is a {@link java.net.ProxySelector} other outgoing clients can share.
 */
package org.comfyapi.server.storage;
