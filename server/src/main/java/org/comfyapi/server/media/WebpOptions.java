package org.comfyapi.server.media;

import java.util.Objects;

/** WebP encoder options, with sharp's names and defaults. */
public record WebpOptions(
        int quality,
        int alphaQuality,
        boolean lossless,
        boolean nearLossless,
        boolean smartSubsample,
        WebpPreset preset,
        int effort) implements ConversionSpec {

    public static final WebpOptions DEFAULTS = new WebpOptions(80, 100, false, false, false, WebpPreset.DEFAULT, 4);

    public WebpOptions {
        Objects.requireNonNull(preset, "preset");
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be between 1 and 100: " + quality);
        }
        if (alphaQuality < 0 || alphaQuality > 100) {
            throw new IllegalArgumentException("alphaQuality must be between 0 and 100: " + alphaQuality);
        }
        if (effort < 0 || effort > 6) {
            throw new IllegalArgumentException("effort must be between 0 and 6: " + effort);
        }
    }

    @Override
    public String extension() {
        return "webp";
    }

    @Override
    public String contentType() {
        return "image/webp";
    }
}
