package org.comfyapi.server.e2e;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A server's {@code GET /metrics}, read as Prometheus does: each sample {@code name{labels} value} by name and labels. */
final class PrometheusText {
    private PrometheusText() {
    }

    static Map<String, Double> scrape(TestServer server) throws Exception {
        TestServer.Response response = server.get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** How much {@code series} grew between two scrapes (it must exist in the later one). */
    static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series %s", series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }
}
