package net.zcc.agent.remote;

import java.net.URI;

/** The key server's address as the agent accepts it: {@code https://HOST:PORT}, nothing more. */
final class KeyServerUrl {

    private KeyServerUrl() {
    }

    /**
     * Returns {@code https://HOST:PORT} of {@code url}.
     *
     * @throws IllegalArgumentException for another scheme, no host or port, user info, a path,
     *     a query or a fragment
     */
    static URI check(URI url) {
        if (url == null || !"https".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 0
                || url.getRawUserInfo() != null || (url.getRawPath() != null && !url.getRawPath().isEmpty()
                        && !url.getRawPath().equals("/"))
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("the key server URL must be https://HOST:PORT, got " + url);
        }
        return URI.create("https://" + url.getRawAuthority());
    }
}
