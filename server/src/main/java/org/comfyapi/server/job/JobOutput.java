package org.comfyapi.server.job;

/**
 * One output file of a job. {@code url} is where it was uploaded, the outputs route when it is kept,
 * or null when it went back only in the synchronous response.
 */
public record JobOutput(String node, String filename, String contentType, long size, String url) {
}
