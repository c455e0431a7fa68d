package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key server is reached directly: the {@code https.proxyHost} system properties, which the
 * JDK's default proxy selector honours, do not send the agent's traffic through a proxy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoProxyTest {

    private static final String[] PROPERTIES = {"https.proxyHost", "https.proxyPort", "http.nonProxyHosts"};

    @TempDir
    Path tmp;

    @Test
    void proxyPropertiesAreIgnored() throws Exception {
        try (LiveKeyServer ks = new LiveKeyServer(tmp); ServerSocket proxy = new ServerSocket(0, 50,
                InetAddress.getByName("127.0.0.1"))) {
            AgentIdentity a = ks.enrolledHost(tmp.resolve("host-a"), "198.18.60.1");
            AtomicInteger proxied = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!proxy.isClosed()) {
                    try (Socket s = proxy.accept()) {
                        proxied.incrementAndGet(); // and close: a proxy that refuses everything
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "test-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> saved = new HashMap<>();
            for (String p : PROPERTIES) {
                saved.put(p, System.getProperty(p));
            }
            try {
                System.setProperty("https.proxyHost", "127.0.0.1");
                System.setProperty("https.proxyPort", Integer.toString(proxy.getLocalPort()));
                System.setProperty("http.nonProxyHosts", "none.invalid"); // the default exempts 127.*
                try (KeyServerClient client = KeyServerClient.open(a)) {
                    assertEquals(Optional.of(a.staticKey()), client.peerDirectory().lookup(InetAddress.getByName("198.18.60.1")));
                    // The JDK's default selector always goes direct to loopback, so a key server at
                    // another address shows the difference: the client's selector says DIRECT there
                    // too, where the default one names the proxy.
                    URI remote = URI.create("https://198.18.0.1:8443/RPC2");
                    assertEquals(List.of(Proxy.NO_PROXY), client.httpClient().proxy().orElseThrow().select(remote));
                    assertEquals(Proxy.Type.HTTP, ProxySelector.getDefault().select(remote).get(0).type(),
                            "not vacuous: without NO_PROXY the properties would apply");
                }
                assertEquals(0, proxied.get(), "no connection went to the proxy");
            } finally {
                for (String p : PROPERTIES) {
                    if (saved.get(p) == null) {
                        System.clearProperty(p);
                    } else {
                        System.setProperty(p, saved.get(p));
                    }
                }
            }
        }
    }
}
