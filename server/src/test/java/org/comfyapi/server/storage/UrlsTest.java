package org.comfyapi.server.storage;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class UrlsTest {

    @Test
    void httpUrlTakesAbsoluteHttpAndHttpsWithAHostOnly() {
        assertThat(Urls.httpUrl("https://h.example/a?b=c")).contains(URI.create("https://h.example/a?b=c"));
        assertThat(Urls.httpUrl("HTTP://127.0.0.1:9000")).isPresent();
        assertThat(Urls.httpUrl("ftp://h/x")).isEmpty();
        assertThat(Urls.httpUrl("s3://bucket/key")).isEmpty();
        assertThat(Urls.httpUrl("http:///nohost")).isEmpty();
        assertThat(Urls.httpUrl("/relative/path")).isEmpty();
        assertThat(Urls.httpUrl("https://bad host/")).isEmpty();
        assertThat(Urls.httpUrl(null)).isEmpty();
    }

    @Test
    void redactHidesUserInfoAndSecretParameters() {
        assertThat(Urls.redact("https://user:pw@h/p?sig=abc&x=1")).isEqualTo("https://***@h/p?sig=REDACTED&x=1");
        assertThat(Urls.redact("not a url?token=abc")).doesNotContain("abc");
    }
}
