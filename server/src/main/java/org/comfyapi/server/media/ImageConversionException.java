package org.comfyapi.server.media;

/** A conversion that failed at run time; the message carries libvips' own error text where there is one. */
public final class ImageConversionException extends Exception {

    public ImageConversionException(String message) {
        super(message);
    }

    public ImageConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
