package org.comfyapi.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base for test classes whose tests share one simulator, started once per class in its own temporary directory. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedSimulatorTest {
    /** The simulator's base directory, a temporary directory for this class. */
    Path dir;
    SimHarness sim;

    /** Extra command-line arguments for the shared simulator. */
    String[] simulatorArgs() {
        return new String[0];
    }

    @BeforeAll
    void startSimulator(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        sim = new SimHarness(dir, simulatorArgs());
    }

    @AfterAll
    void stopSimulator() {
        sim.close();
    }
}
