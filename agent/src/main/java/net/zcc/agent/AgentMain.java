package net.zcc.agent;

import java.io.IOException;
import java.util.stream.Collectors;
import net.zcc.agent.configd.ConfigDaemon;
import net.zcc.agent.configd.PacketPlane;
import net.zcc.agent.configd.RuleOptions;
import net.zcc.agent.nfqueue.NetlinkPacketQueue;
import net.zcc.agent.nfqueue.PassThrough;
import net.zcc.agent.nfqueue.QueueSet;

/**
 * Starts zcc_configd with the kernel queues. Where the parts meet:
 * {@code configd} (service file, rules, signals) drives {@code nfqueue} (the packet edge).
 * In this version the packet processor is {@link PassThrough}: every queued packet is accepted
 * unchanged; the sealing and opening paths plug in here.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        System.exit(ConfigDaemon.main(args, AgentMain::queues));
    }

    static PacketPlane queues(RuleOptions o) {
        QueueSet set = QueueSet.netlink(o.firstQueue(), o.queueCount(), NetlinkPacketQueue.Config.defaults(),
                PassThrough.INSTANCE);
        return new PacketPlane() {
            @Override
            public void start() throws IOException {
                set.start();
            }

            @Override
            public String describe() {
                return set.stats().stream()
                        .map(s -> "queue " + s.queueNumber() + ": " + s.received() + " received, " + s.accepted()
                                + " accepted, " + s.dropped() + " dropped, " + s.malformed() + " malformed")
                        .collect(Collectors.joining("; "));
            }

            @Override
            public void close() {
                set.close();
            }
        };
    }
}
