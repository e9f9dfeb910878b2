package org.comfyapi.server.queue;

/** How busy this instance's ComfyUI is: the consumer takes work only while this is under {@code QUEUE_PREFETCH}. */
@FunctionalInterface
public interface QueueCapacity {
    /** Prompts queued or running at this instance's ComfyUI, from any source. */
    int busy();
}
