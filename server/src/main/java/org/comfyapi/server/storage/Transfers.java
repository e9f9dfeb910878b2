package org.comfyapi.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** Streams a response body to a file, telling a remote failure from a local one. */
final class Transfers {
    private static final int BUFFER = 64 * 1024;

    private Transfers() {}

    /**
     * Copies {@code in} to {@code destination} (created or truncated) and checks the byte count
     * against {@code expected} (-1: unknown). {@code ticket} may be null when the socket itself
     * has a read timeout.
     */
    static long copy(InputStream in, Path destination, long expected, Watchdog.Ticket ticket, String shown,
                     Duration readTimeout) throws DownloadException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(destination,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw readFailure(e, total, expected, ticket, shown, readTimeout);
                }
                if (n < 0) break;
                if (ticket != null) ticket.progress();
                out.write(buffer, 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw new DownloadException(DownloadException.Reason.LOCAL_IO,
                    "cannot write " + destination.getFileName() + ": " + localError(e), -1, e);
        }
        if (expected >= 0 && total != expected) {
            throw new DownloadException(DownloadException.Reason.CUT_OFF,
                    "download cut off after " + total + " of " + expected + " bytes from " + shown);
        }
        return total;
    }

    /** "1.5 s", "60 s": for messages about timeouts. */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0)) + " s";
    }

    /** A local file error without the absolute path the JDK puts in its message. */
    static String localError(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static DownloadException readFailure(IOException e, long total, long expected, Watchdog.Ticket ticket,
                                                 String shown, Duration readTimeout) {
        if ((ticket != null && ticket.fired()) || e instanceof SocketTimeoutException) {
            return new DownloadException(DownloadException.Reason.TIMEOUT, "download of " + shown + " timed out: no data for "
                    + seconds(readTimeout) + " after " + total + " bytes", -1, e);
        }
        if (Thread.currentThread().isInterrupted() || e instanceof InterruptedIOException) {
            return new DownloadException(DownloadException.Reason.INTERRUPTED, "download of " + shown + " interrupted", -1, e);
        }
        String of = expected >= 0 ? total + " of " + expected + " bytes" : total + " bytes";
        return new DownloadException(DownloadException.Reason.CUT_OFF, "download cut off after " + of + " from " + shown
                + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", -1, e);
    }
}
