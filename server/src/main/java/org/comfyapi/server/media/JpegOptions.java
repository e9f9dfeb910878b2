package org.comfyapi.server.media;

import java.util.Objects;

/**
 * JPEG encoder options, with sharp's names and defaults. sharp's {@code mozjpeg} shortcut is expanded by
 * the parser, so it has no field here.
 */
public record JpegOptions(
        int quality,
        boolean progressive,
        ChromaSubsampling chromaSubsampling,
        boolean optimizeCoding,
        boolean trellisQuantisation,
        boolean overshootDeringing,
        boolean optimizeScans,
        int quantisationTable) implements ConversionSpec {

    public static final JpegOptions DEFAULTS =
            new JpegOptions(80, false, ChromaSubsampling.YUV420, true, false, false, false, 0);

    public JpegOptions {
        Objects.requireNonNull(chromaSubsampling, "chromaSubsampling");
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be between 1 and 100: " + quality);
        }
        if (quantisationTable < 0 || quantisationTable > 8) {
            throw new IllegalArgumentException("quantisationTable must be between 0 and 8: " + quantisationTable);
        }
    }

    @Override
    public String extension() {
        return "jpg";
    }

    @Override
    public String contentType() {
        return "image/jpeg";
    }
}
