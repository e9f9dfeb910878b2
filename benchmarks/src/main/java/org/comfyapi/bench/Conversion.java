package org.comfyapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.media.ChromaSubsampling;
import org.comfyapi.server.media.ConversionSpec;
import org.comfyapi.server.media.ImageConverter;
import org.comfyapi.server.media.JpegOptions;
import org.comfyapi.server.media.WebpOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * 4. Conversion: ms per 1024x1024 PNG with our ImageConverter (libvips over FFM, in this JVM) and with Node's sharp
 * on the same file, one image at a time on one thread, and many images at once on all cores.
 */
final class Conversion implements BenchMain.Section {
    @Override
    public String id() {
        return "4";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        int cores = Runtime.getRuntime().availableProcessors();
        int singleN = o.pick(30, 3);
        int parallelN = o.pick(12 * cores, 2 * cores);
        Path dir = env.work.resolve("conversion");
        Path input = dir.resolve("photo-1024.png");
        NoisePng.photo(input, 1024, 1024);

        Map<String, ConversionSpec> specs = new LinkedHashMap<>();
        specs.put("jpeg", JpegOptions.DEFAULTS);
        specs.put("jpeg_prog444", new JpegOptions(80, true, ChromaSubsampling.YUV444, true, false, false, false, 0));
        specs.put("webp", WebpOptions.DEFAULTS);
        Map<String, String> labels = Map.of("jpeg", "JPEG q80", "jpeg_prog444", "JPEG q80 progressive 4:4:4",
                "webp", "WebP q80");

        int rounds = o.pick(3, 1);
        // --smoke never runs npm (no network in the test run): it uses sharp only when a full run installed it
        Path sharpDir = o.smoke() ? Sharp.installed(o.sharpDir()) : Sharp.install(o.sharpDir());
        // ours and sharp take turns, rounds times; each figure is the median over the rounds
        List<Map<String, Double>> oursRounds = new ArrayList<>();
        List<JsonNode> sharpRounds = new ArrayList<>();
        String vipsVersion = null;
        for (int r = 0; r < rounds; r++) {
            Map<String, Double> m = new LinkedHashMap<>();
            vipsVersion = measureOurs(env, specs, input, dir, singleN, parallelN, cores, m);
            oursRounds.add(m);
            JsonNode sr = sharpDir == null ? null : Sharp.run(sharpDir, input, dir.resolve("sharp"), singleN, parallelN);
            if (sr != null) sharpRounds.add(sr);
        }
        JsonNode sharp = sharpRounds.isEmpty() ? null : sharpRounds.getFirst();
        Map<String, Double> oursSingle = new LinkedHashMap<>();
        Map<String, Double> oursParallel = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> sharpValue = new LinkedHashMap<>();
        for (String k : specs.keySet()) {
            oursSingle.put(k, median(oursRounds, "single_" + k));
            oursParallel.put(k, median(oursRounds, "parallel_" + k));
            for (String mode : new String[]{"single", "parallel"}) {
                cpu.put(mode + "_" + k, median(oursRounds, "cpu_" + mode + "_" + k));
                sharpValue.put(mode + "_" + k, sharpRounds.isEmpty() ? Double.NaN : Stats.of(sharpRounds.stream()
                        .map(j -> j.path(mode).path(k).asDouble(Double.NaN)).toList()).p50());
                sharpValue.put("cpu_" + mode + "_" + k, sharpRounds.isEmpty() ? Double.NaN : Stats.of(sharpRounds.stream()
                        .map(j -> j.path("cpu").path(mode + "_" + k).asDouble(Double.NaN)).toList()).p50());
            }
        }
        Path out = dir.resolve("ours");

        for (String mode : new String[]{"single", "parallel"}) {
            Map<String, Double> ours = mode.equals("single") ? oursSingle : oursParallel;
            for (var e : ours.entrySet()) {
                double base = sharpValue.get(mode + "_" + e.getKey());
                double r = e.getValue() / base;
                String what = mode.equals("single")
                        ? "1024x1024 PNG → " + labels.get(e.getKey()) + ", 1 thread, median of " + singleN
                                + (rounds > 1 ? " x " + rounds + " rounds" : "")
                        : "1024x1024 PNG → " + labels.get(e.getKey()) + ", all " + cores + " cores, " + parallelN + " images at once"
                                + (rounds > 1 ? ", median of " + rounds + " rounds" : "");
                table.row("4", what, Table.ms(e.getValue()) + "/image", sharp == null ? "n/a (no sharp)" : Table.ms(base) + "/image sharp",
                        Table.ratio(r) + (Double.isNaN(r) || o.smoke() ? "" : r <= 1.0 ? " (met)"
                                : String.format(" (MISSED by %.0f %%%s)", (r - 1) * 100, r <= 1.05 ? ", within run-to-run noise" : "")), "≤ x1.00");
            }
        }
        StringBuilder cpuNote = new StringBuilder("conversion CPU time per image (process user+system), ours / sharp:");
        for (var e : cpu.entrySet()) {
            double theirs = sharpValue.get("cpu_" + e.getKey());
            cpuNote.append(String.format(" %s %.0f / %.0f ms;", e.getKey(), e.getValue(), theirs));
        }
        table.note(cpuNote.toString());
        StringBuilder sizes = new StringBuilder("conversion output bytes, ours / sharp (same settings give the same size):");
        for (var e : specs.entrySet()) {
            Path a = out.resolve("s-" + e.getKey() + "0." + e.getValue().extension());
            Path b = dir.resolve("sharp").resolve("s-" + e.getKey() + "-0." + e.getValue().extension());
            sizes.append(String.format(" %s %d / %s;", e.getKey(), Files.size(a),
                    Files.exists(b) ? String.valueOf(Files.size(b)) : "n/a"));
        }
        table.note(sizes.toString());
        table.note("conversion: ours = org.comfyapi.server.media.ImageConverter, libvips " + vipsVersion
                + " (1 thread: 1 worker x 1 libvips thread; all cores: " + ImageConverter.defaultWorkers() + " workers x 1 libvips thread, the server's setting)"
                + (sharp == null ? "; sharp " + (o.smoke() ? "not installed (--smoke does not run npm; a full run installs it in " + o.sharpDir() + ")" : "could not be installed or run") : "; sharp " + sharp.path("sharp").asText()
                + " (libvips " + sharp.path("vips").asText() + ", cache off; 1 thread: concurrency(1), one image at a time; "
                + "all cores: its default concurrency(" + sharp.path("defaultConcurrency").asText()
                + ") and the default libuv pool, all images in one Promise.all)"));
        BenchMain.deleteTree(dir);
    }

    /** One round of ours: fills {@code m} (single_/parallel_/cpu_ keys); returns the libvips version. */
    private static String measureOurs(BenchMain.Env env, Map<String, ConversionSpec> specs, Path input, Path dir,
                                      int singleN, int parallelN, int cores, Map<String, Double> m) throws Exception {
        String vipsVersion;
        Path out = Files.createDirectories(dir.resolve("ours"));
        try (ImageConverter single = new ImageConverter(env.work.resolve("native"), 1, 1)) {
            vipsVersion = single.libvipsVersion();
            for (var e : specs.entrySet()) {
                for (int i = 0; i < 2; i++) single.convert(input, e.getValue(), out.resolve("w-" + e.getKey() + i + "." + e.getValue().extension()));
                List<Double> times = new ArrayList<>();
                long c0 = cpuNanos();
                for (int i = 0; i < singleN; i++) {
                    long t = System.nanoTime();
                    single.convert(input, e.getValue(), out.resolve("s-" + e.getKey() + i + "." + e.getValue().extension()));
                    times.add((System.nanoTime() - t) / 1e6);
                }
                m.put("single_" + e.getKey(), Stats.of(times).p50());
                m.put("cpu_single_" + e.getKey(), (cpuNanos() - c0) / 1e6 / singleN);
            }
        }
        // the server's own setting: ImageConverter.defaultWorkers() images at once, one libvips thread each
        try (ImageConverter all = new ImageConverter(env.work.resolve("native"), ImageConverter.defaultWorkers(), 1);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var e : specs.entrySet()) {
                all.convert(input, e.getValue(), out.resolve("w-" + e.getKey() + "." + e.getValue().extension()));
                long t = System.nanoTime();
                long c0 = cpuNanos();
                List<Future<Path>> futures = new ArrayList<>();
                for (int i = 0; i < parallelN; i++) {
                    Path target = out.resolve("p-" + e.getKey() + i + "." + e.getValue().extension());
                    futures.add(callers.submit(() -> all.convert(input, e.getValue(), target)));
                }
                for (Future<Path> f : futures) f.get();
                m.put("parallel_" + e.getKey(), (System.nanoTime() - t) / 1e6 / parallelN);
                m.put("cpu_parallel_" + e.getKey(), (cpuNanos() - c0) / 1e6 / parallelN);
            }
        }
        return vipsVersion;
    }

    private static double median(List<Map<String, Double>> rounds, String key) {
        return Stats.of(rounds.stream().map(m -> m.get(key)).toList()).p50();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
