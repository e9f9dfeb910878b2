package org.comfyapi.server.json;

import com.fasterxml.jackson.core.JsonStreamContext;
import org.comfyapi.server.error.RequestError;

/** How long a string may grow where the parser is now; asked again and again while a string value is read. */
@FunctionalInterface
public interface StringLimit {
    /**
     * Throws a {@link RequestError} when {@code length} characters are too many for the
     * string value at {@code where} (an object's context names the field; its parents name the path to it).
     */
    void check(JsonStreamContext where, int length);
}
