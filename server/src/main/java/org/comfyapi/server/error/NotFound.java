package org.comfyapi.server.error;

/** Nothing answers to what the request named (a route, a workflow, a running prompt). */
public final class NotFound extends RequestError {
    public NotFound(String message, String location) {
        super(message, location, null);
    }
}
