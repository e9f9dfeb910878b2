package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One job taken from the stream.
 *
 * @param entryId the stream entry's id
 * @param jobId   the body's {@code id}, or the entry id when the body has none (so every attempt
 *                of the entry is the same job)
 * @param route   {@code /prompt} or {@code /workflow/<path>}
 * @param attempt 1 for the first delivery, counting every claim after an instance lost it
 */
public record QueuedJob(String entryId, String jobId, String route, ObjectNode body, int attempt) {
}
