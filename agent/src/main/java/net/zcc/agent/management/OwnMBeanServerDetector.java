package net.zcc.agent.management;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import org.jolokia.core.api.LogHandler;
import org.jolokia.server.core.detector.ServerDetector;
import org.jolokia.server.core.service.api.AbstractJolokiaService;
import org.jolokia.server.core.service.api.ServerHandle;
import org.jolokia.server.core.service.container.ContainerLocator;
import org.jolokia.server.core.service.request.RequestInterceptor;
import org.jolokia.server.core.util.jmx.MBeanServerAccess;

/**
 * Hands one Jolokia endpoint the MBean server its agent's beans live in, when that is not the
 * platform one (the simulated fleet runs many agents in one JVM, each with its own beans; a real
 * agent uses the platform server and this detector adds nothing). Jolokia creates detectors from
 * {@code META-INF/jolokia/detectors} while an endpoint starts, on the starting thread, which is
 * where {@link ManagementServer} sets the server for it.
 */
public final class OwnMBeanServerDetector extends AbstractJolokiaService<ServerDetector> implements ServerDetector {
    static final ThreadLocal<MBeanServer> STARTING = new ThreadLocal<>();
    private final MBeanServer server = STARTING.get();

    public OwnMBeanServerDetector(int order) {
        super(ServerDetector.class, order);
    }

    @Override
    public String getName() {
        return "zcc-agent";
    }

    @Override
    public void init(Map<String, Object> config) {
    }

    @Override
    public ServerHandle detect(MBeanServerAccess access) {
        return null; // identifies no application server
    }

    @Override
    public Set<MBeanServerConnection> getMBeanServers() {
        return server == null ? Set.of() : Set.of(server);
    }

    @Override
    public RequestInterceptor getRequestInterceptor(MBeanServerAccess access) {
        return null;
    }

    @Override
    public ClassLoader jvmAgentStartup(Instrumentation instrumentation) {
        return null;
    }

    @Override
    public ContainerLocator getContainerLocator(LogHandler logHandler) {
        return null;
    }
}
