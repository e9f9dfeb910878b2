package org.comfyapi.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * 5. Start-up: launch of the server JVM → first 200 from /ready, with ComfyUI already up, with 0 and 20 workflow
 * files, without and with a JDK AOT cache (JEP 483/514: trained once with -XX:AOTCacheOutput).
 */
final class Startup implements BenchMain.Section {
    @Override
    public String id() {
        return "5";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        int reps = o.pick(3, 1);
        int workflows = o.pick(20, 2);
        Path none = env.emptyWorkflows();
        Path some = Files.createDirectories(env.work.resolve("workflows-" + workflows));
        String source;
        try (InputStream in = Startup.class.getResourceAsStream("/bench/txt2img.ts")) {
            source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (int i = 1; i <= workflows; i++) {
            Files.writeString(some.resolve(String.format("txt2img%02d.ts", i)), source);
        }

        // does this build serve WORKFLOW_DIR? (the workflow endpoints may not be wired into the server yet)
        boolean wired;
        try (Child s = env.launchServer(List.of(), some)) {
            s.awaitHttp("/ready", Duration.ofSeconds(180));
            String docs = new String(Clients.HTTP.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(s.base() + "/docs/json")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body(), java.nio.charset.StandardCharsets.UTF_8);
            wired = docs.contains("txt2img01");
        }
        String notWired = wired ? "" : " (not read: this build does not wire WORKFLOW_DIR into the server yet)";

        // train the AOT cache on the configuration with workflows, including one prompt
        Path aot = env.work.resolve("comfyui-api.aot");
        String aotProblem = o.smoke() ? "skipped in --smoke (training takes ~20 s)" : train(env, some, aot);

        // transpiled workflow files are kept in CACHE_DIR/workflows: every case but
        // the last starts without them, as a fresh container would
        Path transpiled = env.work.resolve("cache/workflows");
        record Case(String label, Path dir, List<String> jvm, boolean keepTranspiled) {
        }
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("0 workflow files", none, List.of(), false));
        cases.add(new Case(workflows + " workflow files" + notWired, some, List.of(), false));
        if (aotProblem == null) {
            cases.add(new Case("0 workflow files", none, List.of("-XX:AOTCache=" + aot), false));
            cases.add(new Case(workflows + " workflow files" + notWired, some, List.of("-XX:AOTCache=" + aot), false));
        }
        Case kept = new Case(workflows + " workflow files, transpiled files kept from an earlier start", some, List.of(), true);
        double[] plain = new double[2];
        for (int c = 0; c <= cases.size(); c++) {
            boolean keptCase = c == cases.size();
            Case k = keptCase ? kept : cases.get(c);
            List<Double> times = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                if (!k.keepTranspiled()) deleteTree(transpiled);
                try (Child s = env.launchServer(k.jvm(), k.dir())) {
                    times.add(s.awaitHttp("/ready", Duration.ofSeconds(180)));
                }
            }
            double median = Stats.of(times).p50();
            if (keptCase) {
                table.row("5", "start-up, launch → /ready, " + k.label() + ", median of " + reps, Table.ms(median),
                        Table.ms(plain[1]) + " without them", Table.ratio(median / plain[1]), "");
                continue;
            }
            boolean withAot = c >= 2;
            if (!withAot) plain[c] = median;
            String what = "start-up, launch → /ready, " + k.label() + (withAot ? ", AOT cache" : "")
                    + ", median of " + reps;
            if (!withAot && c == 0) {
                table.row("5", what, Table.ms(median), "", "", "");
            } else if (!withAot) {
                table.row("5", what, Table.ms(median), Table.ms(plain[0]) + " with 0 files",
                        Table.signedMs(median - plain[0]), "");
            } else {
                table.row("5", what, Table.ms(median), Table.ms(plain[c - 2]) + " without AOT",
                        Table.ratio(median / plain[c - 2]), "");
            }
        }
        double[] probe = probeWorkflowLoad(env, some);
        table.row("5", "loading " + workflows + " workflow files with WorkflowRegistry.load in a fresh JVM (the server's loader)",
                Double.isNaN(probe[0]) ? "n/a" : Table.ms(probe[1]), "", Double.isNaN(probe[0]) ? "probe failed"
                        : String.format("%.0f endpoints, %.0f skipped", probe[0], probe[2]), "");
        if (aotProblem != null) {
            table.row("5", "start-up with AOT cache", "n/a", "", aotProblem, "");
        } else {
            table.note(String.format("AOT cache: %s, %.0f MB, trained by one start with %d workflow files and one "
                    + "prompt (-XX:AOTCacheOutput), then used with -XX:AOTCache", aot.getFileName(),
                    Files.size(aot) / 1e6, workflows));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** {endpoints, ms, skipped} from WorkflowLoadProbe in a child JVM; NaNs when it fails. */
    private static double[] probeWorkflowLoad(BenchMain.Env env, Path dir) {
        try {
            Path jar = Path.of(WorkflowLoadProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String cp = jar + java.io.File.pathSeparator + env.o.serverJar();
            Process p = new ProcessBuilder(Child.java(), "-cp", cp, WorkflowLoadProbe.class.getName(), dir.toString(),
                    env.home.toString()).redirectError(env.work.resolve("logs/workflow-probe.log").toFile()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            String[] f = out.lines().reduce((a, b) -> b).orElse("").split(" ");
            return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[2]), Double.parseDouble(f[1])};
        } catch (Exception e) {
            System.err.println("[bench] workflow probe failed: " + e);
            return new double[]{Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** One training run; null when the cache was written, else what went wrong. */
    private static String train(BenchMain.Env env, Path workflowDir, Path aot) {
        try (Child s = env.launchServer(List.of("-XX:AOTCacheOutput=" + aot), workflowDir)) {
            s.awaitHttp("/ready", Duration.ofSeconds(300));
            try (Clients.Runner r = Clients.api(s.base()).open()) {
                r.run(Clients.emptySave(8, 1, 0));
            }
            int code = s.stop(Duration.ofSeconds(300));
            if (!Files.isRegularFile(aot)) return "no cache written (exit code " + code + "): " + s.tail().lines()
                    .filter(l -> l.contains("AOT") || l.contains("error")).findFirst().orElse("");
            return null;
        } catch (Exception e) {
            return "training failed: " + e.getMessage();
        }
    }
}
