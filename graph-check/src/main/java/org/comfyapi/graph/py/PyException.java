package org.comfyapi.graph.py;

import java.util.List;

/** An exception that mimics a Python exception: {@code type} is the qualified class name ComfyUI reports. */
public class PyException extends RuntimeException {
    private final String type;
    private final List<String> traceback;

    public PyException(String type, String message) {
        this(type, message, null);
    }

    public PyException(String type, String message, List<String> traceback) {
        super(message);
        this.type = type;
        this.traceback = traceback;
    }

    public String type() {
        return type;
    }

    /** Python's {@code str(ex)}. */
    public String str() {
        return getMessage() == null ? "" : getMessage();
    }

    public List<String> traceback() {
        return traceback;
    }

    public static PyException keyError(String key) {
        return new PyException("KeyError", Py.repr(key));
    }
}
