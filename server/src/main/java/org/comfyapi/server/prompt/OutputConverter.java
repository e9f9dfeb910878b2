package org.comfyapi.server.prompt;

import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.media.ConversionSpec;
import org.comfyapi.server.media.ImageConversionException;
import org.comfyapi.server.media.ImageConverter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Applies {@code convert_output} to a prompt's images. Video and audio pass through untouched; an
 * image that fails to convert is delivered as ComfyUI wrote it, and the reason is logged.
 */
public final class OutputConverter {
    private static final Log LOG = Log.get("prompt.convert");

    private final Supplier<ImageConverter> converter;
    private final Metrics metrics;
    private volatile ImageConverter instance;

    public OutputConverter(Supplier<ImageConverter> converter, Metrics metrics) {
        this.metrics = metrics;
        this.converter = converter;
    }

    public List<OutputFile> convert(String requestId, List<OutputFile> files, ConversionSpec spec) {
        List<OutputFile> converted = new ArrayList<>(files.size());
        for (OutputFile file : files) {
            if (!ImageConverter.isConvertible(file.path())) {
                converted.add(file);
                continue;
            }
            try {
                long started = System.nanoTime();
                Path target = converter().convert(file.path(), spec);
                metrics.conversion(System.nanoTime() - started);
                if (!target.equals(file.path())) Files.deleteIfExists(file.path());
                converted.add(file.withPath(target));
            } catch (ImageConversionException | IOException | RuntimeException e) {
                LOG.warn("conversion failed; returning the original", "request_id", requestId,
                        "file", file.filename(), "error", e.getMessage());
                converted.add(file);
            }
        }
        return converted;
    }

    private ImageConverter converter() {
        ImageConverter c = instance;
        if (c == null) {
            synchronized (this) {
                if (instance == null) instance = converter.get();
                c = instance;
            }
        }
        return c;
    }
}
