package org.comfyapi.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) of a list of samples in milliseconds. */
record Stats(double[] sorted) {

    static Stats of(List<Double> samples) {
        double[] a = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return new Stats(a);
    }

    double p(double percentile) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double p50() {
        return p(50);
    }

    double p99() {
        return p(99);
    }

    int count() {
        return sorted.length;
    }
}
