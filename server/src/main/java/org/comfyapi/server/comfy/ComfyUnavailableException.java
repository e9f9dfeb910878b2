package org.comfyapi.server.comfy;

/** ComfyUI could not be reached, answered nonsense, or died while we waited for it. */
public final class ComfyUnavailableException extends RuntimeException {
    public ComfyUnavailableException(String message) {
        super(message);
    }

    public ComfyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
