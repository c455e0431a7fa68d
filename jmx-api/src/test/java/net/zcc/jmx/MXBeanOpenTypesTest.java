package net.zcc.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/**
 * The shared MXBeans map to open types, so any JMX client (jconsole, Jolokia, Zabbix) reads them
 * without our classes, and our own proxies read them back as the classes.
 */
class MXBeanOpenTypesTest {
    private final MBeanServer server = javax.management.MBeanServerFactory.newMBeanServer();

    @Test
    void servicesTrafficPeersAndAgentAreOpenTypes() throws Exception {
        ServiceEntry e = new ServiceEntry("db", "198.18.0.2", 5432, "server", "aes-256", true, false, "require", "central", 7, false);
        ServicesMXBean services = new ServicesMXBean() {
            @Override
            public List<ServiceEntry> getEffectiveServices() {
                return List.of(e);
            }

            @Override
            public long getCentralRevision() {
                return 7;
            }

            @Override
            public ReloadResult getLastReload() {
                return new ReloadResult(true, 1, "push", "applied", List.of());
            }

            @Override
            public PushResult push(long revision, String servicesXml) {
                return new PushResult(false, 7, "revision " + revision + " is not above 7", List.of("stale"), List.of());
            }
        };
        ObjectName sn = new ObjectName(ServicesMXBean.OBJECT_NAME);
        server.registerMBean(new StandardMBean(services, ServicesMXBean.class, true), sn);
        Object raw = server.getAttribute(sn, "EffectiveServices");
        assertInstanceOf(CompositeData[].class, raw, "a list of composites: an open type");
        assertEquals("central", ((CompositeData[]) raw)[0].get("origin"));
        ServicesMXBean proxy = JMX.newMXBeanProxy(server, sn, ServicesMXBean.class);
        assertEquals(5432, proxy.getEffectiveServices().get(0).getPort());
        assertEquals("push", proxy.getLastReload().getTrigger());
        PushResult r = (PushResult) JMX.newMXBeanProxy(server, sn, ServicesMXBean.class).push(3, "<services/>");
        assertEquals(List.of("stale"), r.getProblems());

        TrafficMXBean traffic = () -> List.of(new ServiceTraffic("db", "198.18.0.2", 5432, 1, 2, 3, 4, 5, 6, 7, 8,
                Map.of("bad_mac", 9L)));
        ObjectName tn = new ObjectName(TrafficMXBean.OBJECT_NAME);
        server.registerMBean(new StandardMBean(traffic, TrafficMXBean.class, true), tn);
        ServiceTraffic t = JMX.newMXBeanProxy(server, tn, TrafficMXBean.class).getServices().get(0);
        assertEquals(9L, t.getDropsTotal().get("bad_mac"));
        assertEquals(8, t.getCompressionSavedBytesTotal());

        PeersMXBean peers = new PeersMXBean() {
            @Override
            public List<PeerInfo> getPeers() {
                return List.of(new PeerInfo("0011223344556677", List.of("198.18.0.2"), 30, 2, 4, ""));
            }

            @Override
            public long getRevokedPeersTotal() {
                return 1;
            }
        };
        ObjectName pn = new ObjectName(PeersMXBean.OBJECT_NAME);
        server.registerMBean(new StandardMBean(peers, PeersMXBean.class, true), pn);
        assertEquals(List.of("198.18.0.2"), JMX.newMXBeanProxy(server, pn, PeersMXBean.class).getPeers().get(0).getAddresses());
        assertEquals(1L, server.getAttribute(pn, "RevokedPeersTotal"));

        assertTrue(JMX.isMXBeanInterface(AgentMXBean.class) && JMX.isMXBeanInterface(DataPlaneMXBean.class)
                && JMX.isMXBeanInterface(QueueMXBean.class));
    }
}
