package org.comfyapi.server.media;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Converts image files to JPEG or WebP with libvips, streaming from disk to disk.
 *
 * <p>Thread safe. Native work runs on a small pool of platform threads: a virtual thread blocked in a
 * foreign call would pin its carrier, so callers (virtual or not) just wait for the pool. The pool size
 * therefore also bounds how many images are in flight and so the memory libvips uses.
 */
public final class ImageConverter implements AutoCloseable {

    /** Extensions of the formats this libvips build can load. Video and audio are never converted. */
    private static final Set<String> CONVERTIBLE = Set.of("png", "jpg", "jpeg", "webp", "gif", "tif", "tiff");

    private final LibVips vips;
    private final ExecutorService workers;

    /**
     * @param nativeDir   folder to unpack libvips into; created if missing
     * @param workers     images converted at once
     * @param vipsThreads libvips worker threads per image (process-wide setting)
     */
    public ImageConverter(Path nativeDir, int workers, int vipsThreads) {
        if (workers < 1 || vipsThreads < 1) {
            throw new IllegalArgumentException("workers and vipsThreads must be at least 1");
        }
        this.vips = LibVips.load(NativeLibraryExtractor.extract(nativeDir));
        vips.setConcurrency(vipsThreads);
        this.workers = Executors.newFixedThreadPool(workers,
                Thread.ofPlatform().name("libvips-", 0).daemon(true).factory());
    }

    /**
     * Unpacks libvips to {@code ${java.io.tmpdir}/comfyui-api-native-<hash>} and converts
     * {@link #defaultWorkers()} images at once, each with one libvips thread: throughput over single-image latency.
     */
    public ImageConverter() {
        this(NativeLibraryExtractor.defaultDirectory(), defaultWorkers(), 1);
    }

    /** Two images per core: while one worker reads or writes its file, the other keeps the core busy. */
    public static int defaultWorkers() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /** Version of the loaded libvips, e.g. 8.18.7. */
    public String libvipsVersion() {
        return vips.version();
    }

    /** True for image files libvips can read; false for video, audio and anything else. */
    public static boolean isConvertible(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && CONVERTIBLE.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code source} with its extension replaced by the spec's, in the same folder. */
    public static Path targetFor(Path source, ConversionSpec spec) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return source.resolveSibling(base + "." + spec.extension());
    }

    /** Converts {@code source} into a new file next to it (see {@link #targetFor}) and returns that file. */
    public Path convert(Path source, ConversionSpec spec) throws ImageConversionException {
        return convert(source, spec, targetFor(source, spec));
    }

    /**
     * Converts {@code source} into {@code target}, replacing any file there. The file appears whole or not
     * at all; it may be the source itself. Animated GIF and WebP keep all frames when the target is WebP;
     * a JPEG gets the first frame.
     *
     * @throws ImageConversionException with libvips' error text when the image cannot be read or written
     */
    public Path convert(Path source, ConversionSpec spec, Path target) throws ImageConversionException {
        Objects.requireNonNull(spec, "spec");
        if (!isConvertible(source)) {
            throw new ImageConversionException("not an image libvips can convert: " + source);
        }
        Path absSource = source.toAbsolutePath();
        Path absTarget = target.toAbsolutePath();
        Future<Path> result = workers.submit(() -> convertNow(absSource, spec, absTarget));
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ImageConversionException failure) {
                throw failure;
            }
            throw new ImageConversionException("converting " + source + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            // The native call cannot be stopped; it finishes in the background.
            Thread.currentThread().interrupt();
            throw new ImageConversionException("interrupted while converting " + source, e);
        }
    }

    private Path convertNow(Path source, ConversionSpec spec, Path target) throws ImageConversionException {
        if (!Files.isRegularFile(source)) {
            throw new ImageConversionException("no such file: " + source);
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        } catch (IOException e) {
            throw new ImageConversionException("cannot create a file next to " + target + ": " + e.getMessage(), e);
        }
        try {
            encode(source, spec, tmp);
            moveIntoPlace(tmp, target);
            return target;
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover .part file is harmless
            }
        }
    }

    private void encode(Path source, ConversionSpec spec, Path out) throws ImageConversionException {
        VipsWarnings.capture();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(source.toString());
            MemorySegment outName = arena.allocateFrom(out.toString());
            MemorySegment image = load(in, spec);
            if (image.equals(MemorySegment.NULL)) {
                throw failure("cannot read " + source);
            }
            int status;
            try {
                status = switch (spec) {
                    case JpegOptions o -> vips.jpegsave(image, outName, o.quality(), flag(o.progressive()),
                            o.chromaSubsampling() == ChromaSubsampling.YUV444 ? vips.subsampleOff : vips.subsampleOn,
                            flag(o.optimizeCoding()), flag(o.trellisQuantisation()), flag(o.overshootDeringing()),
                            flag(o.optimizeScans()), o.quantisationTable(), LibVips.KEEP_NONE);
                    case WebpOptions o -> vips.webpsave(image, outName, o.quality(), o.alphaQuality(),
                            flag(o.lossless()), flag(o.nearLossless()), flag(o.smartSubsample()),
                            vips.webpPreset(o.preset()), o.effort(), LibVips.KEEP_NONE);
                };
            } finally {
                vips.unref(image);
            }
            if (status != 0) {
                throw failure("cannot convert " + source + " to " + spec.extension());
            }
        } finally {
            VipsWarnings.release();
        }
    }

    /** Multi-frame input keeps its frames (and page-height) only where the output can animate. */
    private MemorySegment load(MemorySegment filename, ConversionSpec spec) {
        if (spec instanceof WebpOptions) {
            String loader = vips.findLoader(filename);
            if (loader == null) {
                return MemorySegment.NULL;
            }
            String l = loader.toLowerCase(Locale.ROOT);
            if (l.contains("gif") || l.contains("webp")) {
                return vips.openAllPages(filename, vips.accessSequential, vips.failOnWarning);
            }
        }
        return vips.open(filename, vips.accessSequential, vips.failOnWarning);
    }

    private ImageConversionException failure(String what) {
        String detail = vips.takeError();
        if (detail.isEmpty()) {
            detail = String.join("\n", VipsWarnings.release());
        }
        return new ImageConversionException(detail.isEmpty() ? what : what + ": " + detail);
    }

    private static void moveIntoPlace(Path tmp, Path target) throws ImageConversionException {
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ImageConversionException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    /** Stops the worker threads once queued conversions finish. libvips itself stays loaded. */
    @Override
    public void close() {
        workers.shutdown();
    }
}
