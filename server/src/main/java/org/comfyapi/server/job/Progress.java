package org.comfyapi.server.job;

/** The node now running and how far it got ({@code value} of {@code max}). */
public record Progress(String node, String classType, long value, long max) {
}
