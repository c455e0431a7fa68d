package net.zcc.agent.management;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import net.zcc.jmx.AgentMXBean;
import net.zcc.jmx.DataPlaneMXBean;
import net.zcc.jmx.PeersMXBean;
import net.zcc.jmx.QueueMXBean;
import net.zcc.jmx.ServicesMXBean;
import net.zcc.jmx.TrafficMXBean;

/**
 * The agent's MXBeans, the one source of its numbers: JMX and Jolokia read them, the stats file
 * ({@code zcc stats}) and the Prometheus text are rendered from them ({@link StatsText},
 * {@link PrometheusText}), so the three can never disagree.
 */
public final class AgentBeans implements AutoCloseable {
    private static final Logger LOG = System.getLogger("zcc.management");

    public final AgentMXBean agent;
    public final DataPlaneMXBean dataPlane;
    public final ServicesBean services;
    public final TrafficMXBean traffic;
    public final PeersMXBean peers;
    public final List<QueueMXBean> queues;
    private final List<ObjectName> registered = new ArrayList<>();
    private MBeanServer server;

    public AgentBeans(AgentMXBean agent, DataPlaneMXBean dataPlane, ServicesBean services, TrafficMXBean traffic,
            PeersMXBean peers, List<? extends QueueMXBean> queues) {
        this.agent = agent;
        this.dataPlane = dataPlane;
        this.services = services;
        this.traffic = traffic;
        this.peers = peers;
        this.queues = List.copyOf(queues);
    }

    /** Registers every bean under its contract name in {@code server}; a failure is logged, not fatal. */
    public AgentBeans registerIn(MBeanServer mbeans) {
        server = mbeans;
        register(agent, AgentMXBean.OBJECT_NAME);
        register(dataPlane, DataPlaneMXBean.OBJECT_NAME);
        register(services, ServicesMXBean.OBJECT_NAME);
        register(traffic, TrafficMXBean.OBJECT_NAME);
        register(peers, PeersMXBean.OBJECT_NAME);
        for (QueueMXBean q : queues) {
            register(q, QueueMXBean.OBJECT_NAME_PREFIX + q.getQueueNumber());
        }
        return this;
    }

    public MBeanServer server() {
        return server;
    }

    private void register(Object bean, String name) {
        try {
            ObjectName on = new ObjectName(name);
            server.registerMBean(bean, on);
            registered.add(on);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "cannot register {0}: {1}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        for (ObjectName on : registered) {
            try {
                server.unregisterMBean(on);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "cannot unregister {0}: {1}", on, e.getMessage());
            }
        }
        registered.clear();
    }
}
