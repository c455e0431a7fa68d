package net.zcc.jmx;

import java.util.List;

/**
 * Traffic per protected service ({@code zcc:type=Traffic}). Every counter is a monotonic total
 * since the agent started, with its unit in its name, as monitoring conventions ask; rates are the
 * reader's business. Packets that belong to no service (malformed, unknown flows) are counted
 * under the service name "(none)".
 */
public interface TrafficMXBean {
    String OBJECT_NAME = "zcc:type=Traffic";

    List<ServiceTraffic> getServices();
}
