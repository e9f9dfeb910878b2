package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The job series a dashboard reads: one outcome per job, phases in order, in-flight back to zero. */
class JobMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class Recorded implements Metrics {
        final List<String> events = new CopyOnWriteArrayList<>();
        int inFlight;

        @Override
        public void jobStarted() {
            inFlight++;
        }

        @Override
        public void jobEnded(String outcome) {
            inFlight--;
            events.add(outcome);
        }

        @Override
        public void jobPhase(Phase phase, long nanos) {
            assertThat(nanos).isNotNegative();
            events.add(phase.name().toLowerCase());
        }
    }

    private static PromptRequest request(String id) throws Exception {
        return PromptRequest.parse(JSON.readTree("{\"id\": \"" + id + "\", \"prompt\": {\"1\": {\"class_type\": \"SaveImage\", "
                + "\"inputs\": {\"filename_prefix\": \"x\"}}}}"));
    }

    private static ComfyMessage start() {
        return new ComfyMessage("execution_start", JSON.createObjectNode().put("prompt_id", "p"));
    }

    @Test
    void aDeliveredJobHasThreePhasesAndOneSuccess() throws Exception {
        Recorded metrics = new Recorded();
        RunListener listener = RunListener.all(new JobMetrics(metrics), RunListener.NONE);
        PromptRequest request = request("a");

        listener.accepted(request);
        assertThat(metrics.inFlight).isEqualTo(1);
        listener.frame("a", start());
        listener.frame("a", start());
        listener.finished(new PromptResult(request, request.prompt(), List.of(), 0, 0, null, 0, 0));
        listener.delivered(request);

        assertThat(metrics.events).containsExactly("queue", "execution", "delivery", "success");
        assertThat(metrics.inFlight).isZero();
    }

    @Test
    void aFailureCountsOnceEvenWhenTheDeliveryFailsLater() throws Exception {
        Recorded metrics = new Recorded();
        JobMetrics jobs = new JobMetrics(metrics);
        PromptRequest request = request("b");

        jobs.accepted(request);
        jobs.failed(request, new UncheckedIOException(new IOException("client went away")));
        jobs.failed(request, new IllegalStateException("again"));
        jobs.delivered(request);

        assertThat(metrics.events).containsExactly("failure");
        assertThat(metrics.inFlight).isZero();
    }
}
