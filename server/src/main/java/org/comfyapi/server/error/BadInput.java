package org.comfyapi.server.error;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The request itself is wrong: a missing or bad field, an input that cannot be fetched or decoded. */
public non-sealed class BadInput extends RequestError {
    public BadInput(String message, String location) {
        super(message, location, null);
    }

    public BadInput(String message, String location, ObjectNode details) {
        super(message, location, details);
    }
}
