package net.zcc.jmx;

import javax.management.ConstructorParameters;

/** One effective service, as {@link ServicesMXBean} reports it (an MXBean composite type). */
public final class ServiceEntry {
    private final String name;
    private final String host;
    private final int port;
    private final String type;
    private final String scheme;
    private final boolean encrypt;
    private final boolean compress;
    private final String policy;
    private final String origin;
    private final long revision;
    private final boolean overriding;

    @ConstructorParameters({"name", "host", "port", "type", "scheme", "encrypt", "compress", "policy", "origin",
        "revision", "overriding"})
    public ServiceEntry(String name, String host, int port, String type, String scheme, boolean encrypt,
            boolean compress, String policy, String origin, long revision, boolean overriding) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.type = type;
        this.scheme = scheme;
        this.encrypt = encrypt;
        this.compress = compress;
        this.policy = policy;
        this.origin = origin;
        this.revision = revision;
        this.overriding = overriding;
    }

    public String getName() {
        return name;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    /** "client" or "server", as in the service file. */
    public String getType() {
        return type;
    }

    public String getScheme() {
        return scheme;
    }

    public boolean isEncrypt() {
        return encrypt;
    }

    public boolean isCompress() {
        return compress;
    }

    /** "require" or "opportunistic". */
    public String getPolicy() {
        return policy;
    }

    /** "local" (the host's file) or "central" (pushed by the console). */
    public String getOrigin() {
        return origin;
    }

    /** The central revision the entry came with; 0 for a local entry. */
    public long getRevision() {
        return revision;
    }

    /** True for a local entry that replaced a central entry with the same host, port and type. */
    public boolean isOverriding() {
        return overriding;
    }
}
