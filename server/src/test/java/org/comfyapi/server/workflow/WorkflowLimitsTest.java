package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file stuck in a loop costs one call its time limit, never a context or the start-up. */
class WorkflowLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aGenerateWorkflowThatNeverReturnsIsStoppedAndTheNextCallWorks() throws Exception {
        Workflows.write(dir, "loops.js", """
                const { z } = require("zod");
                module.exports = {
                  RequestSchema: z.object({ loop: z.boolean().default(true) }),
                  generateWorkflow: (input) => { while (input.loop) {} return { "1": { class_type: "Done", inputs: {} } }; },
                };
                """);
        Workflows.write(dir, "hangs-at-load.js", "for (;;) {}\n");
        Workflows.write(dir, "fine.js", Workflows.echoJs("fine"));
        WorkflowLimits limits = new WorkflowLimits(1, Duration.ofSeconds(3));
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, Workflows.environment(), limits)) {
            assertThat(registry.endpoints()).extracting(WorkflowEndpoint::route).containsExactly("fine", "loops");
            assertThat(registry.skipped()).singleElement().satisfies(skipped -> {
                assertThat(skipped.file()).isEqualTo(dir.resolve("hangs-at-load.js"));
                assertThat(skipped.reason()).isEqualTo("did not load within 3 s");
            });

            WorkflowEndpoint loops = registry.find("loops").orElseThrow();
            assertThatThrownBy(() -> loops.generate(JSON.readTree("{}")))
                    .isInstanceOf(WorkflowGenerationException.class)
                    .hasMessage("Failed to generate workflow prompt: generateWorkflow did not finish within 3 s");

            // the only context was thrown away; a fresh one serves the next calls
            assertThat(loops.generate(JSON.readTree("{\"loop\": false}")).prompt().at("/1/class_type").asText())
                    .isEqualTo("Done");
            assertThat(registry.find("fine").orElseThrow().generate(JSON.readTree("{}")).input().get("text").asText())
                    .isEqualTo("hi");
        }
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new WorkflowLimits(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkflowLimits(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(WorkflowLimits.defaults().maxContexts()).isGreaterThanOrEqualTo(2);
    }
}
