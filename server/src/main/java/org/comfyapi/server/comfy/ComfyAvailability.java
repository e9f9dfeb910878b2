package org.comfyapi.server.comfy;

import java.time.Duration;

/** Lets work wait briefly for a ComfyUI that is restarting instead of failing at once. */
public interface ComfyAvailability {
    /** Returns once ComfyUI runs and answers; throws {@link ComfyRestartingException} when {@code max} passes first. */
    void await(Duration max) throws InterruptedException;

    /** A call to ComfyUI just failed: do not trust the last health check. */
    void recheck();
}
