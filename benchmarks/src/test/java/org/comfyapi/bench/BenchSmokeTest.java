package org.comfyapi.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The smoke run of the test suite: tiny sizes, few iterations; it checks only that a table comes out. */
@Tag("timing")
class BenchSmokeTest {
    @Test
    void smokeRunPrintsATable() throws Exception {
        String table = BenchMain.run(Options.parse("--smoke"));
        System.out.println(table);
        assertTrue(table.startsWith("| # | measurement"), table);
        for (String section : new String[]{"| 1 ", "| 2 ", "| 3 ", "| 4 ", "| 5 ", "| 6 ", "| 7 "}) {
            assertTrue(table.contains(section), "section " + section + " missing:\n" + table);
        }
    }
}
