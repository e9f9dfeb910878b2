package org.comfyapi.server.media;

import java.util.Locale;

/** libwebp encoder presets; {@link #nick()} is the name used by sharp and libvips. */
public enum WebpPreset {
    DEFAULT, PICTURE, PHOTO, DRAWING, ICON, TEXT;

    public String nick() {
        return name().toLowerCase(Locale.ROOT);
    }
}
