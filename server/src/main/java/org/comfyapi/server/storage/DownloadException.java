package org.comfyapi.server.storage;

/**
 * A download that failed; the message says why in words a user can act on and holds no secret
 * (URLs in it are {@linkplain Urls#redact redacted}). The destination file has been deleted.
 */
public class DownloadException extends Exception {
    public enum Reason {
        /** 404, a missing S3 object or Azure blob. */
        NOT_FOUND,
        /** 401 or 403. */
        DENIED,
        /** Any other non-2xx answer. */
        HTTP_STATUS,
        /** DNS failure, refused connection, TLS failure: the server was never reached. */
        UNREACHABLE,
        /** No connection, response or data within the configured time. */
        TIMEOUT,
        /** The body ended before its declared length, or the connection broke midway. */
        CUT_OFF,
        /** The URL or its credentials cannot be used at all (bad scheme, missing configuration). */
        INVALID,
        /** Writing the destination file failed. */
        LOCAL_IO,
        INTERRUPTED
    }

    private final Reason reason;
    private final int status;

    public DownloadException(Reason reason, String message) {
        this(reason, message, -1, null);
    }

    public DownloadException(Reason reason, String message, int status, Throwable cause) {
        super(message, cause, false, true);
        this.reason = reason;
        this.status = status;
    }

    public Reason reason() {
        return reason;
    }

    /** The remote status code, or -1 when there was none. */
    public int status() {
        return status;
    }
}
