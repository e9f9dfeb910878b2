package org.comfyapi.server.storage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlsTest {

    @Test
    void redactHidesUserInfoAndSecretParameters() {
        assertThat(Urls.redact("https://user:pw@h/p?sig=abc&x=1")).isEqualTo("https://***@h/p?sig=REDACTED&x=1");
        assertThat(Urls.redact("not a url?token=abc")).doesNotContain("abc");
    }
}
