package org.comfyapi.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * 7. What metrics and the access log cost: the tiny sync prompt (8x8 EmptyImage → SaveImage) through two servers
 * side by side, one with METRICS_ENABLED and ACCESS_LOG on (the defaults), one with both off, in alternating rounds.
 */
final class Observability implements BenchMain.Section {
    @Override
    public String id() {
        return "7";
    }

    @Override
    public void run(BenchMain.Env env, Table table) throws Exception {
        Options o = env.o;
        int n = o.pick(2000, 40);
        IntFunction<ObjectNode> graphs = i -> Clients.emptySave(8, i & 0xffffff, 0);
        try (Child on = env.startServer(Map.of("METRICS_ENABLED", "true", "ACCESS_LOG", "true"));
             Child off = env.startServer(Map.of("METRICS_ENABLED", "false", "ACCESS_LOG", "false"))) {
            Clients.RunnerFactory without = Clients.api(off.base());
            Clients.RunnerFactory with = Clients.api(on.base());
            int warm = o.pick(300, 5);
            Load.run(without, graphs, 1, warm, 600);
            Load.run(with, graphs, 1, warm, 600);
            Load.Result[] both = Load.compare(without, with, graphs, 1, n, 20, () -> {
                try {
                    env.cleanOutputs();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Load.Result a = both[0];
            Load.Result b = both[1];
            double added = b.latency().p50() - a.latency().p50();
            String verdict = o.smoke() ? "" : added <= 0.1 ? " (met)" : String.format(" (MISSED by %.2f ms)", added - 0.1);
            String what = "metrics + access log on vs off, tiny sync prompt (8x8 EmptyImage → SaveImage), c=1, n=" + n;
            table.row("7", what + ": p50", Table.ms(b.latency().p50()), Table.ms(a.latency().p50()) + " off",
                    Table.signedMs(added) + verdict, "p50 ≤ +0.1 ms");
            table.row("7", what + ": p99", Table.ms(b.latency().p99()), Table.ms(a.latency().p99()) + " off",
                    Table.signedMs(b.latency().p99() - a.latency().p99()), "");
        }
    }
}
