package org.comfyapi.server.storage;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {

    private static Optional<String> proxyFor(ProxySettings settings, String url) {
        return settings.proxyFor(URI.create(url)).map(a -> a.getHostString() + ":" + a.getPort());
    }

    @Test
    void proxiesPerSchemeWithLowerCaseWinning() {
        ProxySettings settings = ProxySettings.fromEnv(Map.of(
                "HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:2", "HTTPS_PROXY", "secure:3"));
        assertThat(proxyFor(settings, "http://example.com/x")).contains("lower:2");
        assertThat(proxyFor(settings, "https://example.com/x")).contains("secure:3");
        assertThat(proxyFor(settings, "s3://bucket/key")).isEmpty();
        assertThat(proxyFor(ProxySettings.fromEnv(Map.of("HTTP_PROXY", "http://p")), "https://h/")).isEmpty();
        assertThat(proxyFor(ProxySettings.fromEnv(Map.of("HTTP_PROXY", "http://p")), "http://h/")).contains("p:80");
    }

    @Test
    void noProxyEntries() {
        ProxySettings settings = ProxySettings.fromEnv(Map.of("HTTP_PROXY", "http://p:3128", "HTTPS_PROXY", "http://p:3128",
                "NO_PROXY", "exact.host, .dotted.org,plain.net ,10.1.2.3, porty.io:8443 , [::1]"));
        assertThat(proxyFor(settings, "https://exact.host/")).isEmpty();
        assertThat(proxyFor(settings, "https://sub.exact.host/")).isEmpty();
        assertThat(proxyFor(settings, "https://dotted.org/")).isEmpty();
        assertThat(proxyFor(settings, "https://a.b.dotted.org/")).isEmpty();
        assertThat(proxyFor(settings, "https://plain.net/")).isEmpty();
        assertThat(proxyFor(settings, "https://www.plain.net/")).isEmpty();
        assertThat(proxyFor(settings, "https://notplain.net/")).contains("p:3128");
        assertThat(proxyFor(settings, "http://10.1.2.3/")).isEmpty();
        assertThat(proxyFor(settings, "http://10.1.2.30/")).contains("p:3128");
        assertThat(proxyFor(settings, "https://porty.io:8443/")).isEmpty();
        assertThat(proxyFor(settings, "https://porty.io/")).contains("p:3128");
        assertThat(proxyFor(settings, "http://[::1]:8080/")).isEmpty();
        assertThat(proxyFor(settings, "http://EXACT.HOST/")).isEmpty();
    }

    @Test
    void loopbackIsProxiedUnlessListed() {
        ProxySettings settings = ProxySettings.fromEnv(Map.of("http_proxy", "http://p:1"));
        assertThat(proxyFor(settings, "http://127.0.0.1:8080/")).contains("p:1");
        assertThat(proxyFor(settings, "http://localhost/")).contains("p:1");
        ProxySettings listed = ProxySettings.fromEnv(Map.of("http_proxy", "http://p:1", "no_proxy", "localhost,127.0.0.1"));
        assertThat(proxyFor(listed, "http://127.0.0.1:8080/")).isEmpty();
        assertThat(proxyFor(listed, "http://localhost:8080/")).isEmpty();
    }

    @Test
    void starBypassesEverything() {
        ProxySettings settings = ProxySettings.fromEnv(Map.of("http_proxy", "http://p:1", "NO_PROXY", "*"));
        assertThat(proxyFor(settings, "http://anything/")).isEmpty();
        assertThat(settings.select(URI.create("http://anything/"))).containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void selectGivesAnHttpProxy() {
        ProxySettings settings = ProxySettings.fromEnv(Map.of("http_proxy", "http://p:1"));
        Proxy proxy = settings.select(URI.create("http://h/")).getFirst();
        assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(((InetSocketAddress) proxy.address()).getHostString()).isEqualTo("p");
        assertThat(ProxySettings.fromEnv(Map.of()).isEmpty()).isTrue();
    }

    @Test
    void rejectsNonHttpProxies() {
        assertThatThrownBy(() -> ProxySettings.fromEnv(Map.of("HTTPS_PROXY", "socks5://p:1080")))
                .hasMessageContaining("HTTPS_PROXY");
    }
}
