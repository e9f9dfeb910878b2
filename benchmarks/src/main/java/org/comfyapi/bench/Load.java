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

    static int next() {
        return SEQ.incrementAndGet();
    }
}
