package org.comfyapi.server.job;

import org.comfyapi.server.config.JobRetention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JobEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path cache;

    private JobRegistry registry(int capacity) {
        JobRegistry jobs = new JobRegistry(new InMemoryJobStore(capacity),
                new JobRetention(Duration.ofHours(1), 100, cache.resolve("jobs")), System::currentTimeMillis);
        jobs.start();
        return jobs;
    }

    private static List<String> drain(JobSubscription sub) throws InterruptedException {
        List<String> names = new ArrayList<>();
        JobEvent e;
        while ((e = sub.next(WAIT)) != null) {
            names.add(e.kind() == JobEvent.Kind.COMMENT ? new String(e.frame(), StandardCharsets.UTF_8).trim() : e.name());
        }
        return names;
    }

    @Test
    void aSubscriberSeesStatusThenEveryEventInOrderThenTheTerminalOne() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("j");
            JobSubscription sub = jobs.subscribe("j").orElseThrow();
            jobs.running("j");
            jobs.nodeStarted("j", "3", "KSampler", false);
            jobs.progress("j", new Progress("3", "KSampler", 1, 2));
            jobs.preview("j", "3", "data:image/jpeg;base64,AAAA");
            jobs.progress("j", new Progress("3", "KSampler", 2, 2));
            jobs.output("j", new JobOutput("9", "j_1.png", "image/png", 1, null));
            jobs.finish("j", JobStatus.COMPLETED, null, null);
            assertThat(drain(sub)).containsExactly("status", "status", "node", "progress", "preview", "progress",
                    "output", "completed");
        }
    }

    @Test
    void theEventFramesAreServerSentEvents() {
        JobEvent e = JobEvent.node("3", "KSampler", true);
        assertThat(new String(e.frame(), StandardCharsets.UTF_8))
                .isEqualTo("event: node\ndata: {\"node\":\"3\",\"class_type\":\"KSampler\",\"cached\":true}\n\n");
        assertThat(new String(JobEvent.KEEP_ALIVE.frame(), StandardCharsets.UTF_8)).isEqualTo(": keep-alive\n\n");
    }

    @Test
    void aLateSubscriberGetsStatusAndTheTerminalEvent() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("late");
            jobs.progress("late", new Progress("3", "KSampler", 1, 2));
            jobs.finish("late", JobStatus.FAILED, null, "{\"error\":\"boom\",\"location\":\"prompt.3\"}");
            JobSubscription sub = jobs.subscribe("late").orElseThrow();
            JobEvent status = sub.next(WAIT);
            JobEvent terminal = sub.next(WAIT);
            assertThat(status.name()).isEqualTo("status");
            assertThat(terminal.name()).isEqualTo("failed");
            assertThat(terminal.data()).contains("\"error\":{\"error\":\"boom\",\"location\":\"prompt.3\"}");
            assertThat(sub.next(WAIT)).isNull();
            assertThat(jobs.subscribe("unknown")).isEmpty();
        }
    }

    @Test
    void anIdleStreamGetsKeepAlives() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("idle");
            JobSubscription sub = jobs.subscribe("idle").orElseThrow();
            assertThat(sub.next(WAIT).name()).isEqualTo("status");
            assertThat(sub.next(Duration.ofMillis(1))).isSameAs(JobEvent.KEEP_ALIVE);
            sub.close();
            assertThat(sub.next(WAIT)).isNull();
        }
    }

    @Test
    void aSlowSubscriberSkipsProgressThenIsDroppedWithoutSlowingOthers() throws Exception {
        try (JobRegistry jobs = registry(8)) {
            jobs.accept("s");
            JobSubscription slow = jobs.subscribe("s").orElseThrow();
            JobSubscription fast = jobs.subscribe("s").orElseThrow();
            List<String> fastSaw = new ArrayList<>();
            fastSaw.add(fast.next(WAIT).name());
            for (int i = 1; i <= 20; i++) {
                jobs.progress("s", new Progress("3", "KSampler", i, 20));
                fastSaw.add(fast.next(WAIT).name());
            }
            assertThat(fastSaw).hasSize(21).containsOnly("status", "progress");
            assertThat(slow.skipped()).isGreaterThan(0);
            for (int i = 0; i < 8; i++) {
                jobs.nodeStarted("s", "n" + i, "X", false);
                assertThat(fast.next(WAIT).name()).isEqualTo("node");
            }
            jobs.finish("s", JobStatus.COMPLETED, null, null);
            List<String> slowSaw = drain(slow);
            assertThat(slowSaw).hasSize(1);
            assertThat(slowSaw.getFirst()).startsWith(": dropped");
            assertThat(drain(fast)).containsExactly("completed");
        }
    }

    @Test
    void aSubscriberWhoLeavesIsForgotten() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("x");
            InMemoryJobStore store = new InMemoryJobStore(8);
            store.create(JobState.queued("y", 1));
            JobSubscription a = store.subscribe("y").orElseThrow();
            JobSubscription b = store.subscribe("y").orElseThrow();
            a.close();
            store.publish("y", JobEvent.node("1", "X", false));
            assertThat(b.next(WAIT).name()).isEqualTo("status");
            assertThat(b.next(WAIT).name()).isEqualTo("node");
            assertThat(a.next(WAIT)).isNull();
        }
    }

    @Test
    void aBacklogIsTakenAtOnceInOrder() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("b");
            JobSubscription sub = jobs.subscribe("b").orElseThrow();
            for (int i = 1; i <= 3; i++) jobs.progress("b", new Progress("3", "KSampler", i, 3));
            List<JobEvent> backlog = new ArrayList<>();
            backlog.add(sub.next(WAIT));
            sub.drainTo(backlog);
            assertThat(backlog.stream().map(JobEvent::name)).containsExactly("status", "progress", "progress", "progress");
            assertThat(backlog.getLast().data()).contains("\"value\":3");
            sub.drainTo(backlog);
            assertThat(backlog).hasSize(4);
        }
    }

    @Test
    void takeMovesTheWholeBacklogAtOnceAndEndsAfterTheTerminalEvent() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("t");
            JobSubscription sub = jobs.subscribe("t").orElseThrow();
            jobs.progress("t", new Progress("3", "KSampler", 1, 2));
            jobs.progress("t", new Progress("3", "KSampler", 2, 2));
            List<JobEvent> batch = new ArrayList<>();
            assertThat(sub.take(batch)).isTrue();
            assertThat(batch.stream().map(JobEvent::name)).containsExactly("status", "progress", "progress");
            batch.clear();
            jobs.finish("t", JobStatus.COMPLETED, null, null);
            assertThat(sub.take(batch)).isTrue();
            assertThat(batch.stream().map(JobEvent::name)).containsExactly("completed");
            batch.clear();
            assertThat(sub.take(batch)).isFalse();
            assertThat(batch).isEmpty();
        }
    }

    @Test
    void aKeepAliveGoesOnlyToAReaderIdleForTheIntervalWithNothingQueued() throws Exception {
        try (JobRegistry jobs = registry(64)) {
            jobs.accept("k");
            JobSubscription sub = jobs.subscribe("k").orElseThrow();
            sub.keepAliveIfIdle(Duration.ZERO);  // the status event still waits: no keep-alive
            List<JobEvent> batch = new ArrayList<>();
            assertThat(sub.take(batch)).isTrue();
            assertThat(batch).extracting(JobEvent::name).containsExactly("status");
            batch.clear();
            sub.keepAliveIfIdle(Duration.ofHours(1));  // it has just read: not idle yet
            sub.keepAliveIfIdle(Duration.ZERO);
            sub.keepAliveIfIdle(Duration.ZERO);  // one keep-alive waits already: no second one
            assertThat(sub.take(batch)).isTrue();
            assertThat(batch).containsExactly(JobEvent.KEEP_ALIVE);
            sub.close();
            sub.keepAliveIfIdle(Duration.ZERO);
            batch.clear();
            assertThat(sub.take(batch)).isFalse();
            assertThat(batch).isEmpty();
        }
    }
}
