package org.comfyapi.server.prompt;

import java.time.Duration;

/**
 * How long a prompt may wait and run at ComfyUI.
 *
 * @param unavailableWait {@code COMFY_UNAVAILABLE_WAIT_S}: how long to wait for a ComfyUI that is down or restarting
 * @param defaultTimeout  {@code PROMPT_TIMEOUT_S}: a job's deadline when it names none; zero means none
 * @param interruptGrace  {@code INTERRUPT_GRACE_S}: how long ComfyUI may take to stop a timed-out prompt
 */
public record RunLimits(Duration unavailableWait, Duration defaultTimeout, Duration interruptGrace) {
}
