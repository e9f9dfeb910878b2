package org.comfyapi.server.comfy;

import java.time.Duration;
import java.util.Optional;

/** What work needs to know about the ComfyUI process: whether it is there, and how to give up on it. */
public interface ComfyAvailability {
    /** Returns once ComfyUI runs and answers; throws {@link ComfyRestartingException} when {@code max} passes first. */
    void await(Duration max) throws InterruptedException;

    /** A call to ComfyUI just failed: do not trust the last health check. */
    void recheck();

    /** Why the prompts in flight are lost (ComfyUI exited or was stopped as stuck), or empty while it runs. */
    Optional<String> lostBecause();

    /** ComfyUI ignores an interrupt: stop it (every prompt in flight is lost for {@code reason}); it restarts or we exit. */
    void stuck(String reason);
}
