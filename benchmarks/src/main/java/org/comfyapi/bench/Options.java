package org.comfyapi.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Command line of the benchmark; {@code --smoke} shrinks every size and count. */
record Options(boolean smoke, Set<String> sections, Path work, Path serverJar, Path simulatorJar, Path sharpDir,
               List<String> serverJvm, Path markdownOut, String sizes, Path baselineJar,
               Path fanoutBaselineJar) {

    static final List<String> ALL = List.of("overhead", "throughput", "memory", "conversion", "startup", "reliability", "observability", "jobs", "queue");

    static Options parse(String... args) {
        boolean smoke = false;
        Set<String> sections = new java.util.LinkedHashSet<>(ALL);
        Path work = Path.of(System.getProperty("bench.work.dir", "benchmarks/target/bench-run"));
        Path server = Path.of(System.getProperty("bench.server.jar", "server/target/comfyui-api.jar"));
        Path sim = Path.of(System.getProperty("bench.simulator.jar", "simulator/target/comfyui-simulator.jar"));
        Path sharp = Path.of(System.getProperty("bench.sharp.dir",
                Path.of(System.getProperty("user.home"), ".cache", "comfyui-api-bench", "sharp").toString()));
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        Path out = null;
        String sizes = null;
        Path baseline = null;
        Path fanoutBaseline = null;
        for (String a : args) {
            if (a.equals("--smoke")) smoke = true;
            else if (a.equals("--full")) smoke = false;
            else if (a.startsWith("--only=")) sections = new java.util.LinkedHashSet<>(Arrays.asList(a.substring(7).split(",")));
            else if (a.startsWith("--work=")) work = Path.of(a.substring(7));
            else if (a.startsWith("--server-jar=")) server = Path.of(a.substring(13));
            else if (a.startsWith("--simulator-jar=")) sim = Path.of(a.substring(16));
            else if (a.startsWith("--sharp-dir=")) sharp = Path.of(a.substring(12));
            else if (a.startsWith("--server-jvm=")) jvm = new ArrayList<>(Arrays.asList(a.substring(13).trim().split("\\s+")));
            else if (a.startsWith("--out=")) out = Path.of(a.substring(6));
            else if (a.startsWith("--sizes=")) sizes = a.substring(8);
            else if (a.startsWith("--baseline-jar=")) baseline = Path.of(a.substring(15)).toAbsolutePath().normalize();
            else if (a.startsWith("--fanout-baseline-jar=")) {
                fanoutBaseline = Path.of(a.substring(22)).toAbsolutePath().normalize();
            }
            else if (a.equals("--help") || a.equals("-h")) {
                System.out.println("""
                        usage: scripts/bench.sh [--smoke|--full] [--only=overhead,throughput,memory,conversion,startup,reliability,observability,jobs,queue]
                                                [--server-jvm="-Xmx1g ..."] [--out=FILE.md] [--work=DIR]
                                                [--sizes=BYTES:N_C1:N_C16,...]   (overhead sizes and request counts)
                        [--baseline-jar=JAR]   (jobs: an earlier server build, for the registry's added latency)
                        [--fanout-baseline-jar=JAR]   (jobs: an earlier server build with the event stream, for SSE fan-out)
                        --smoke   tiny sizes and few iterations (well under a minute); the test run uses it
                        --full    the default: the sizes and counts of docs/benchmarks.md
                        """);
                System.exit(0);
            } else throw new IllegalArgumentException("unknown option " + a + " (try --help)");
        }
        for (String s : sections) {
            if (!ALL.contains(s)) throw new IllegalArgumentException("unknown section " + s + "; one of " + ALL);
        }
        return new Options(smoke, sections, work.toAbsolutePath().normalize(), server.toAbsolutePath().normalize(),
                sim.toAbsolutePath().normalize(), sharp.toAbsolutePath().normalize(), jvm,
                out == null ? null : out.toAbsolutePath(), sizes, baseline, fanoutBaseline);
    }

    boolean has(String section) {
        return sections.contains(section);
    }

    /** The full value, or the smoke one. */
    int pick(int full, int smokeValue) {
        return smoke ? smokeValue : full;
    }

    double pick(double full, double smokeValue) {
        return smoke ? smokeValue : full;
    }
}
