package org.comfyapi.server.media;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few libvips C functions the converter needs, bound with the FFM API. libvips is initialised once
 * per process; all methods are thread safe (libvips is, and method handles are).
 *
 * <p>The variadic libvips calls ({@code vips_jpegsave(in, filename, "Q", 80, ..., NULL)}) are bound with a
 * fixed list of name/int pairs each, so every call passes every option explicitly. All the options used
 * are ints on the C side: gboolean, gint and enums.
 */
final class LibVips {

    private static final Object LOCK = new Object();
    private static volatile LibVips instance;

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup lookup;
    private final String version;

    private final MethodHandle errorBufferCopy;
    private final MethodHandle gFree;
    private final MethodHandle gObjectUnref;
    private final MethodHandle foreignFindLoad;
    private final MethodHandle newFromFile;
    private final MethodHandle newFromFileAllPages;
    private final MethodHandle jpegsave;
    private final MethodHandle webpsave;
    private final MethodHandle concurrencySet;

    // Enum values are looked up by nick rather than hard-coded, so a libvips update cannot shift them.
    final int accessSequential;
    final int failOnWarning;
    final int subsampleOn;
    final int subsampleOff;
    private final int[] webpPresets;
    /** VIPS_FOREIGN_KEEP_NONE (strip all metadata, sharp's default): a flags type whose "none" is 0 by definition. */
    static final int KEEP_NONE = 0;

    private final MemorySegment kAccess;
    private final MemorySegment kFailOn;
    private final MemorySegment kN;
    private final List<MemorySegment> jpegKeys;
    private final List<MemorySegment> webpKeys;

    private LibVips(Path library) {
        lookup = SymbolLookup.libraryLookup(library, Arena.global());

        MethodHandle init = handle("vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle versionString = handle("vips_version_string", FunctionDescriptor.of(ADDRESS));
        errorBufferCopy = handle("vips_error_buffer_copy", FunctionDescriptor.of(ADDRESS));
        gFree = handle("g_free", FunctionDescriptor.ofVoid(ADDRESS));
        gObjectUnref = handle("g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
        foreignFindLoad = handle("vips_foreign_find_load", FunctionDescriptor.of(ADDRESS, ADDRESS));
        newFromFile = variadic("vips_image_new_from_file", ADDRESS, List.of(ADDRESS), 2);
        newFromFileAllPages = variadic("vips_image_new_from_file", ADDRESS, List.of(ADDRESS), 3);
        jpegsave = variadic("vips_jpegsave", JAVA_INT, List.of(ADDRESS, ADDRESS), 9);
        webpsave = variadic("vips_webpsave", JAVA_INT, List.of(ADDRESS, ADDRESS), 8);
        concurrencySet = handle("vips_concurrency_set", FunctionDescriptor.ofVoid(JAVA_INT));

        Arena global = Arena.global();
        try {
            if ((int) init.invokeExact(global.allocateFrom("comfyui-api")) != 0) {
                throw new IllegalStateException("vips_init failed: " + takeError());
            }
            version = ((MemorySegment) versionString.invokeExact()).reinterpret(256).getString(0);
            // Outputs are new files every time: an operation cache would only keep file handles open
            // and could serve a stale result for a path that was rewritten.
            handle("vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(0);
            // Only the loaders/savers sharp itself relies on; refuses e.g. matload or magick on sniffed input.
            handle("vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(1);
            routeWarnings(global);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }

        accessSequential = enumValue("vips_access_get_type", "sequential");
        failOnWarning = enumValue("vips_fail_on_get_type", "warning");
        subsampleOn = enumValue("vips_foreign_subsample_get_type", "on");
        subsampleOff = enumValue("vips_foreign_subsample_get_type", "off");
        WebpPreset[] presets = WebpPreset.values();
        webpPresets = new int[presets.length];
        for (WebpPreset preset : presets) {
            webpPresets[preset.ordinal()] = enumValue("vips_foreign_webp_preset_get_type", preset.nick());
        }

        kAccess = global.allocateFrom("access");
        kFailOn = global.allocateFrom("fail_on");
        kN = global.allocateFrom("n");
        jpegKeys = keys(global, "Q", "interlace", "subsample_mode", "optimize_coding", "trellis_quant",
                "overshoot_deringing", "optimize_scans", "quant_table", "keep");
        webpKeys = keys(global, "Q", "alpha_q", "lossless", "near_lossless", "smart_subsample", "preset",
                "effort", "keep");
    }

    /** Loads and initialises libvips from {@code library} on first use; later calls return the same instance. */
    static LibVips load(Path library) {
        LibVips vips = instance;
        if (vips == null) {
            synchronized (LOCK) {
                vips = instance;
                if (vips == null) {
                    vips = new LibVips(library);
                    instance = vips;
                }
            }
        }
        return vips;
    }

    String version() {
        return version;
    }

    void setConcurrency(int threads) {
        try {
            concurrencySet.invokeExact(threads);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int webpPreset(WebpPreset preset) {
        return webpPresets[preset.ordinal()];
    }

    /** The loader's type name, e.g. VipsForeignLoadNsgifFile, or null with the reason left in the error buffer. */
    String findLoader(MemorySegment filename) {
        try {
            MemorySegment name = (MemorySegment) foreignFindLoad.invokeExact(filename);
            return name.equals(MemorySegment.NULL) ? null : name.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code vips_image_new_from_file(filename, "access", access, "fail_on", failOn, NULL)}; NULL on failure. */
    MemorySegment open(MemorySegment filename, int access, int failOn) {
        try {
            return (MemorySegment) newFromFile.invokeExact(filename,
                    kAccess, access, kFailOn, failOn, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** As {@link #open}, loading every page/frame ({@code "n", -1}) of a multi-page format. */
    MemorySegment openAllPages(MemorySegment filename, int access, int failOn) {
        try {
            return (MemorySegment) newFromFileAllPages.invokeExact(filename,
                    kAccess, access, kFailOn, failOn, kN, -1, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Values in the order of the jpegsave keys above; returns 0 on success. */
    int jpegsave(MemorySegment image, MemorySegment filename, int q, int interlace, int subsampleMode,
                 int optimizeCoding, int trellisQuant, int overshootDeringing, int optimizeScans,
                 int quantTable, int keep) {
        List<MemorySegment> k = jpegKeys;
        try {
            return (int) jpegsave.invokeExact(image, filename,
                    k.get(0), q, k.get(1), interlace, k.get(2), subsampleMode, k.get(3), optimizeCoding,
                    k.get(4), trellisQuant, k.get(5), overshootDeringing, k.get(6), optimizeScans,
                    k.get(7), quantTable, k.get(8), keep, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Values in the order of the webpsave keys above; returns 0 on success. */
    int webpsave(MemorySegment image, MemorySegment filename, int q, int alphaQ, int lossless,
                 int nearLossless, int smartSubsample, int preset, int effort, int keep) {
        List<MemorySegment> k = webpKeys;
        try {
            return (int) webpsave.invokeExact(image, filename,
                    k.get(0), q, k.get(1), alphaQ, k.get(2), lossless, k.get(3), nearLossless,
                    k.get(4), smartSubsample, k.get(5), preset, k.get(6), effort, k.get(7), keep,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void unref(MemorySegment object) {
        try {
            gObjectUnref.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Takes (reads and clears) libvips' error buffer. The buffer is process-wide, so under concurrent
     * failures it may also hold another thread's message.
     */
    String takeError() {
        try {
            MemorySegment copy = (MemorySegment) errorBufferCopy.invokeExact();
            if (copy.equals(MemorySegment.NULL)) {
                return "";
            }
            try {
                return copy.reinterpret(Integer.MAX_VALUE).getString(0).strip();
            } finally {
                gFree.invokeExact(copy);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends the VIPS log domain's warnings to {@link VipsWarnings} rather than stderr. */
    private void routeWarnings(Arena global) throws Throwable {
        MethodHandle target = MethodHandles.lookup().findStatic(VipsWarnings.class, "onLog",
                MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class));
        MemorySegment callback = linker.upcallStub(target,
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS), global);
        MethodHandle setHandler = handle("g_log_set_handler",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        int gLogLevelWarning = 1 << 4;
        int ignored = (int) setHandler.invokeExact(global.allocateFrom("VIPS"), gLogLevelWarning, callback,
                MemorySegment.NULL);
    }

    private int enumValue(String getType, String nick) {
        try {
            long type = (long) handle(getType, FunctionDescriptor.of(JAVA_LONG)).invokeExact();
            MethodHandle fromNick = handle("vips_enum_from_nick",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                int value = (int) fromNick.invokeExact(arena.allocateFrom("comfyui-api"), type,
                        arena.allocateFrom(nick));
                if (value < 0) {
                    throw new IllegalStateException("libvips has no " + nick + " in " + getType + ": " + takeError());
                }
                return value;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static List<MemorySegment> keys(Arena arena, String... names) {
        List<MemorySegment> keys = new ArrayList<>(names.length);
        for (String name : names) {
            keys.add(arena.allocateFrom(name));
        }
        return List.copyOf(keys);
    }

    private MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(symbol(name), descriptor);
    }

    /** A variadic function taking {@code fixed} arguments, then {@code pairs} (const char*, int) pairs and NULL. */
    private MethodHandle variadic(String name, MemoryLayout result, List<MemoryLayout> fixed, int pairs) {
        List<MemoryLayout> args = new ArrayList<>(fixed);
        for (int i = 0; i < pairs; i++) {
            args.add(ADDRESS);
            args.add(JAVA_INT);
        }
        args.add(ADDRESS);
        FunctionDescriptor descriptor = FunctionDescriptor.of(result, args.toArray(MemoryLayout[]::new));
        return linker.downcallHandle(symbol(name), descriptor, Linker.Option.firstVariadicArg(fixed.size()));
    }

    private MemorySegment symbol(String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("libvips lacks symbol " + name));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
