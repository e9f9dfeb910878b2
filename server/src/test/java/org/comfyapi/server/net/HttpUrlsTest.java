package org.comfyapi.server.net;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class HttpUrlsTest {

    @Test
    void parseTakesAbsoluteHttpAndHttpsWithAHostOnly() {
        assertThat(HttpUrls.parse("https://h.example/a?b=c")).contains(URI.create("https://h.example/a?b=c"));
        assertThat(HttpUrls.parse("HTTP://127.0.0.1:9000")).isPresent();
        assertThat(HttpUrls.parse("ftp://h/x")).isEmpty();
        assertThat(HttpUrls.parse("s3://bucket/key")).isEmpty();
        assertThat(HttpUrls.parse("http:///nohost")).isEmpty();
        assertThat(HttpUrls.parse("/relative/path")).isEmpty();
        assertThat(HttpUrls.parse("https://bad host/")).isEmpty();
        assertThat(HttpUrls.parse(null)).isEmpty();
    }
}
