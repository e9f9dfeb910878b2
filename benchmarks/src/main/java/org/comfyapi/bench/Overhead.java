package org.comfyapi.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * 1. Added latency: the same graph (LoadImage of a noise PNG → SaveImage) straight against ComfyUI by a careful
 * client, and through our POST /prompt (synchronous base64); the difference of p50 and p99.
 */
final class Overhead implements BenchMain.Section {
    record Size(String label, long bytes, int c1, int c16) {
    }

    @Override
    public String id() {
        return "1";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        Size[] sizes = o.smoke()
                ? new Size[]{new Size("10 KB", 10_000, 6, 16), new Size("100 KB", 100_000, 4, 16), new Size("500 KB", 500_000, 2, 16)}
                : new Size[]{new Size("100 KB", 100_000, 400, 480), new Size("2 MB", 2_000_000, 100, 160),
                        new Size("50 MB", 50_000_000, 10, 16)};
        if (o.sizes() != null) {
            sizes = java.util.Arrays.stream(o.sizes().split(",")).map(spec -> {
                String[] f = spec.split(":");
                long b = Long.parseLong(f[0]);
                return new Size(human(b), b, Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            }).toArray(Size[]::new);
        }
        try (Child server = env.startServer()) {
            Clients.RunnerFactory direct = Clients.direct(env.simulator.base());
            Clients.RunnerFactory api = Clients.api(server.base());
            for (Size size : sizes) {
                int side = NoisePng.sideFor(size.bytes());
                String file = "noise-" + side + ".png";
                Path png = env.home.resolve("input").resolve(file);
                NoisePng.noise(png, side, side, side);
                long fileBytes = Files.size(png);
                IntFunction<ObjectNode> graphs = Clients.loadSave(file);
                // warm both paths (JIT, connection pools, ComfyUI's LoadImage cache)
                int warm = o.pick(size.bytes() > 10_000_000 ? 3 : 30, 2);
                Load.run(direct, graphs, 1, warm, 600);
                Load.run(api, graphs, 1, warm, 600);
                for (int concurrency : new int[]{1, 16}) {
                    int n = concurrency == 1 ? size.c1() : size.c16();
                    Load.Result[] both = Load.compare(direct, api, graphs, concurrency, n, 10, () -> {
                        try {
                            env.cleanOutputs();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    Load.Result d = both[0];
                    Load.Result a = both[1];
                    String what = String.format("added latency, %s PNG (%dx%d noise, %s), c=%d, n=%d", size.label(),
                            side, side, human(fileBytes), concurrency, n);
                    String target = concurrency == 1 && size.bytes() == 100_000 ? "p50 < +5 ms" : "";
                    String verdict = target.isEmpty() || o.smoke() ? "" : (a.latency().p50() - d.latency().p50() < 5 ? " (met)"
                            : String.format(" (MISSED by %.1f ms)", a.latency().p50() - d.latency().p50() - 5));
                    table.row("1", what + ": p50",
                            Table.ms(a.latency().p50()), Table.ms(d.latency().p50()) + " direct",
                            Table.signedMs(a.latency().p50() - d.latency().p50()) + verdict, target);
                    table.row("1", what + ": p99",
                            Table.ms(a.latency().p99()), Table.ms(d.latency().p99()) + " direct",
                            Table.signedMs(a.latency().p99() - d.latency().p99()), "");
                }
                Files.deleteIfExists(png);
            }
        }
    }

    static String human(long bytes) {
        if (bytes >= 1_000_000) return String.format("%.1f MB", bytes / 1e6);
        return String.format("%.0f KB", bytes / 1e3);
    }
}
