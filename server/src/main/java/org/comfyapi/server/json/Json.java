package org.comfyapi.server.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's one JSON mapper: thread-safe once configured, and never reconfigured. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
