package org.comfyapi.server.error;

/** The request body is larger than the server accepts. */
public final class TooLarge extends RequestError {
    public TooLarge(String message, String location) {
        super(message, location, null);
    }
}
