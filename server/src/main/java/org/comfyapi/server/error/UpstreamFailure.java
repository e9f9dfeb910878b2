package org.comfyapi.server.error;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Something we depend on failed: ComfyUI was lost or answered nonsense, an upload was refused. */
public final class UpstreamFailure extends RequestError {
    public UpstreamFailure(String message, String location) {
        super(message, location, null);
    }

    public UpstreamFailure(String message, String location, ObjectNode details) {
        super(message, location, details);
    }
}
