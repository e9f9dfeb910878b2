package org.comfyapi.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/** A closed-loop load: {@code concurrency} workers, each with its own client, sending one request after another. */
final class Load {
    private static final AtomicInteger SEQ = new AtomicInteger();

    record Result(Stats latency, double seconds, int requests, long bytes) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private Load() {
    }

    /** Runs {@code requests} requests in total, or until {@code maxSeconds} pass (then the count is what ran). */
    static Result run(Clients.RunnerFactory factory, IntFunction<ObjectNode> graphs, int concurrency, int requests,
                      double maxSeconds) throws Exception {
        List<Clients.Runner> runners = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) runners.add(factory.open());
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(requests);
        AtomicLong bytes = new AtomicLong();
        long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> futures = new ArrayList<>();
            for (Clients.Runner r : runners) {
                futures.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                        ObjectNode g = graphs.apply(SEQ.incrementAndGet());
                        long s = System.nanoTime();
                        bytes.addAndGet(r.run(g));
                        latencies.add((System.nanoTime() - s) / 1e6);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            runners.forEach(Clients.Runner::close);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(Stats.of(latencies), seconds, latencies.size(), bytes.get());
    }

    /**
     * Runs {@code n} requests each way in alternating rounds (direct, ours, direct, ours, ...), so that anything else
     * happening on the machine meanwhile weighs on both sides alike. Returns {direct, ours}.
     */
    static Result[] compare(Clients.RunnerFactory direct, Clients.RunnerFactory ours, IntFunction<ObjectNode> graphs,
                            int concurrency, int n, int rounds, Runnable afterEach) throws Exception {
        rounds = Math.max(1, Math.min(rounds, n / concurrency));
        List<Result> d = new ArrayList<>();
        List<Result> a = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            int k = n / rounds + (r < n % rounds ? 1 : 0);
            d.add(run(direct, graphs, concurrency, k, 3600));
            afterEach.run();
            a.add(run(ours, graphs, concurrency, k, 3600));
            afterEach.run();
        }
        return new Result[]{merge(d), merge(a)};
    }

    private static Result merge(List<Result> parts) {
        List<Double> all = new ArrayList<>();
        double seconds = 0;
        int requests = 0;
        long bytes = 0;
        for (Result r : parts) {
            for (double v : r.latency().sorted()) all.add(v);
            seconds += r.seconds();
            requests += r.requests();
            bytes += r.bytes();
        }
        return new Result(Stats.of(all), seconds, requests, bytes);
    }

    static int next() {
        return SEQ.incrementAndGet();
    }
}
