package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One prompt's wait, fed the websocket frames ComfyUI 0.3.64 sends (comfyui-protocol.md §3.6). */
class PromptWatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ComfyMessage message(String type, String data) throws Exception {
        return new ComfyMessage(type, JSON.readTree(data));
    }

    private static void feedSuccess(PromptWatch watch) throws Exception {
        watch.accept(message("execution_start", "{\"prompt_id\": \"p\", \"timestamp\": 1000}"));
        watch.accept(message("execution_cached", "{\"prompt_id\": \"p\", \"nodes\": [], \"timestamp\": 1001}"));
        watch.accept(message("executing", "{\"node\": \"4\", \"display_node\": \"4\", \"prompt_id\": \"p\"}"));
        watch.accept(message("executing", "{\"node\": \"3\", \"display_node\": \"3\", \"prompt_id\": \"p\"}"));
        watch.accept(message("executing", "{\"node\": \"4\", \"display_node\": \"4\", \"prompt_id\": \"p\"}"));
        watch.accept(message("execution_success", "{\"prompt_id\": \"p\", \"timestamp\": 2000}"));
    }

    @Test
    void successCountsOnlyOnceTheFinalExecutingNullArrives() throws Exception {
        PromptWatch watch = new PromptWatch();
        feedSuccess(watch);
        assertThat(watch.await(0)).as("history is written between execution_success and executing null").isNull();

        watch.accept(message("executing", "{\"node\": null, \"prompt_id\": \"p\"}"));
        assertThat(watch.await(0)).isEqualTo(new PromptOutcome.Succeeded(2000));
        assertThat(watch.executionStart()).isEqualTo(1000);
        assertThat(watch.executionEnd()).isEqualTo(2000);
        assertThat(watch.nodeStarts()).containsOnlyKeys("4", "3");
        assertThat(watch.nodeStarts().keySet()).containsExactly("4", "3");
    }

    @Test
    void aWaiterOnAnotherThreadWakesWhenTheFramesArrive() throws Exception {
        PromptWatch watch = new PromptWatch();
        CompletableFuture<PromptOutcome> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return watch.await(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        feedSuccess(watch);
        watch.accept(message("executing", "{\"node\": null, \"prompt_id\": \"p\"}"));
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(new PromptOutcome.Succeeded(2000));
    }

    @Test
    void executingNullWithoutSuccessNudgesTheWaiterToLookAtTheHistory() throws Exception {
        PromptWatch watch = new PromptWatch();
        watch.accept(message("execution_start", "{\"prompt_id\": \"p\", \"timestamp\": 1000}"));
        watch.accept(message("executing", "{\"node\": null, \"prompt_id\": \"p\"}"));
        CompletableFuture<PromptOutcome> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return watch.await(TimeUnit.MINUTES.toMillis(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("back long before its deadline, without an outcome").isNull();
        assertThat(watch.await(0)).as("a nudge is used up").isNull();
    }

    @Test
    void errorAndInterruptEndTheWaitWithComfysData() throws Exception {
        PromptWatch failed = new PromptWatch();
        JsonNode error = JSON.readTree("""
                {"prompt_id": "p", "node_id": "3", "node_type": "KSampler", "exception_message": "boom",
                 "exception_type": "RuntimeError", "traceback": [], "timestamp": 3000}""");
        failed.accept(new ComfyMessage("execution_error", error));
        assertThat(failed.await(0)).isEqualTo(new PromptOutcome.Failed(error));
        assertThat(failed.executionEnd()).isEqualTo(3000);

        PromptWatch interrupted = new PromptWatch();
        JsonNode stop = JSON.readTree("{\"prompt_id\": \"p\", \"node_id\": \"3\", \"node_type\": \"KSampler\", \"timestamp\": 4000}");
        interrupted.accept(new ComfyMessage("execution_interrupted", stop));
        assertThat(interrupted.await(0)).isEqualTo(new PromptOutcome.Interrupted(stop));
        assertThat(interrupted.executionEnd()).isEqualTo(4000);
    }

    @Test
    void theFirstOutcomeWins() throws Exception {
        PromptWatch watch = new PromptWatch();
        watch.finish(new PromptOutcome.Lost("ComfyUI exited"));
        feedSuccess(watch);
        watch.accept(message("executing", "{\"node\": null, \"prompt_id\": \"p\"}"));
        assertThat(watch.await(0)).isEqualTo(new PromptOutcome.Lost("ComfyUI exited"));
    }

    @Test
    void timesComeFromTheHistoryWhenTheWebsocketMissedThem() throws Exception {
        PromptWatch missed = new PromptWatch();
        missed.recordTimesFromHistory(JSON.readTree("""
                {"status": {"status_str": "success", "completed": true, "messages": [
                  ["execution_start", {"prompt_id": "p", "timestamp": 5000}],
                  ["execution_cached", {"nodes": [], "prompt_id": "p", "timestamp": 5001}],
                  ["execution_success", {"prompt_id": "p", "timestamp": 6000}]]}}"""));
        assertThat(missed.executionStart()).isEqualTo(5000);
        assertThat(missed.executionEnd()).isEqualTo(6000);

        PromptWatch seen = new PromptWatch();
        feedSuccess(seen);
        seen.recordTimesFromHistory(JSON.readTree("""
                {"status": {"messages": [["execution_start", {"timestamp": 1}], ["execution_success", {"timestamp": 2}]]}}"""));
        assertThat(seen.executionStart()).as("the websocket's times are kept").isEqualTo(1000);
        assertThat(seen.executionEnd()).isEqualTo(2000);
    }
}
