package org.comfyapi.server.media;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives libvips' GLib warnings instead of letting them print to stderr. A loader that fails because of
 * a warning (fail_on=warning, sharp's default) often leaves the error buffer empty, so the warnings that
 * the failing thread produced are the best description of what went wrong.
 */
final class VipsWarnings {

    private static final System.Logger LOG = System.getLogger(VipsWarnings.class.getName());
    private static final int MAX_KEPT = 8;
    private static final ThreadLocal<List<String>> CAPTURED = new ThreadLocal<>();

    private VipsWarnings() {
    }

    /** Starts keeping this thread's warnings, dropping any kept before. */
    static void capture() {
        CAPTURED.set(new ArrayList<>());
    }

    /** Returns and stops keeping this thread's warnings. */
    static List<String> release() {
        List<String> kept = CAPTURED.get();
        CAPTURED.remove();
        return kept == null ? List.of() : kept.stream().distinct().toList();
    }

    /** GLogFunc: {@code void (*)(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)}. */
    static void onLog(MemorySegment domain, int level, MemorySegment message, MemorySegment userData) {
        try {
            String text = message.equals(MemorySegment.NULL) ? "" : message.reinterpret(Integer.MAX_VALUE).getString(0);
            List<String> kept = CAPTURED.get();
            if (kept != null && kept.size() < MAX_KEPT) {
                kept.add(text.strip());
            }
            LOG.log(System.Logger.Level.DEBUG, "libvips warning: {0}", text);
        } catch (Throwable ignored) {
            // An exception escaping an upcall would crash the JVM.
        }
    }
}
