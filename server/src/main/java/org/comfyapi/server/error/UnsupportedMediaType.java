package org.comfyapi.server.error;

/** The request body is not in a format the server reads (its Content-Type). */
public final class UnsupportedMediaType extends RequestError {
    public UnsupportedMediaType(String message, String location) {
        super(message, location, null);
    }
}
