package org.comfyapi.server.comfy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestartBackoffTest {

    @Test
    void delaysStartAtOneSecondAndDoubleToThirtySeconds() {
        RestartBackoff backoff = new RestartBackoff();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 8; i++) seconds.add(backoff.next().toSeconds());
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void aLaunchThatRanAMinuteRestartsQuicklyAgainButAShortOneDoesNot() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.next();
        backoff.next();
        backoff.exitedAfter(Duration.ofSeconds(5));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
        backoff.exitedAfter(Duration.ofSeconds(60));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    }
}
