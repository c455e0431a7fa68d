package net.zcc.agent.management;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ObjectName;
import net.zcc.jmx.AgentMXBean;
import net.zcc.jmx.DataPlaneMXBean;
import net.zcc.jmx.PeersMXBean;
import net.zcc.jmx.ServicesMXBean;
import net.zcc.jmx.TrafficMXBean;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.Configuration;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;

/**
 * A Jolokia restrictor that is a whitelist: a fixed floor no policy file can widen, and the
 * operator's policy file (required) on top, which can only narrow it. A request passes only if
 * both allow it. Jolokia's own policy restrictor alone is not a whitelist ({@code <allow>} leaves
 * unlisted MBeans readable), hence the floor:
 *
 * <ul>
 *   <li>only the domains {@code zcc} and {@code java.lang} exist for the client: everything else
 *       (DiagnosticCommand, HotSpotDiagnostic, MLet, JFR, logging, Jolokia's own beans) is hidden
 *       from list and search and can be neither read nor invoked;
 *   <li>no attribute is writable, anywhere;
 *   <li>only the console invokes operations, and only ZCC's own: the operations of the
 *       {@code net.zcc.jmx} interfaces on their contract names (today {@code push});
 *   <li>request types: read, list, search, version; exec for the console; never write, config
 *       or notification.
 * </ul>
 * JNDI: the JSR-160 proxy (which would look up any JMX service URL, {@code jndi/rmi://...}) is
 * not on the agent's class path at all (excluded in the pom).
 */
public abstract class ZccRestrictor implements Restrictor {
    private static final Set<String> VISIBLE_DOMAINS = Set.of("zcc", "java.lang");
    private static final Map<String, Set<String>> OWN_OPERATIONS = ownOperations(List.of(AgentMXBean.class,
            DataPlaneMXBean.class, ServicesMXBean.class, TrafficMXBean.class, PeersMXBean.class));

    private final Restrictor policy;
    private final boolean mayInvoke;

    protected ZccRestrictor(Configuration config, boolean mayInvoke) {
        this.mayInvoke = mayInvoke;
        String location = config.getConfig(ConfigKey.POLICY_LOCATION);
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("no Jolokia policy file given: the endpoint is not served");
        }
        try {
            PolicyRestrictor p = RestrictorFactory.lookupPolicyRestrictor(location);
            if (p == null) {
                throw new IllegalArgumentException("Jolokia policy " + location + " not found");
            }
            this.policy = p;
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("Jolokia policy " + location + " unusable: " + e.getMessage(), e);
        }
    }

    /** Operation names by contract object name: the interface methods that are not getters. */
    private static Map<String, Set<String>> ownOperations(List<Class<?>> contracts) {
        Map<String, Set<String>> ops = new HashMap<>();
        for (Class<?> c : contracts) {
            try {
                String name = (String) c.getField("OBJECT_NAME").get(null);
                Set<String> names = new HashSet<>();
                for (Method m : c.getMethods()) {
                    boolean getter = m.getName().startsWith("get") || m.getName().startsWith("is");
                    if (!getter && !Modifier.isStatic(m.getModifiers())) {
                        names.add(m.getName());
                    }
                }
                ops.put(new ObjectName(name).getCanonicalName(), Set.copyOf(names));
            } catch (ReflectiveOperationException | javax.management.MalformedObjectNameException e) {
                throw new IllegalStateException("contract " + c + " has no OBJECT_NAME", e);
            }
        }
        return Map.copyOf(ops);
    }

    static boolean visible(ObjectName name) {
        return name != null && !name.isDomainPattern() && VISIBLE_DOMAINS.contains(name.getDomain());
    }

    static boolean isOwnOperation(ObjectName name, String operation) {
        if (name == null || name.isPattern() || operation == null) {
            return false;
        }
        String op = operation.contains("(") ? operation.substring(0, operation.indexOf('(')) : operation;
        return OWN_OPERATIONS.getOrDefault(name.getCanonicalName(), Set.of()).contains(op);
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return policy.isHttpMethodAllowed(method);
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        boolean floor = switch (type) {
            case READ, LIST, SEARCH, VERSION -> true;
            case EXEC -> mayInvoke;
            default -> false;
        };
        return floor && policy.isTypeAllowed(type);
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return visible(name) && policy.isAttributeReadAllowed(name, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return false;
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return mayInvoke && isOwnOperation(name, operation) && policy.isOperationAllowed(name, operation);
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return policy.isRemoteAccessAllowed(hostOrAddress);
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        return policy.isOriginAllowed(origin, onlyWhenStrictCheckingIsEnabled);
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return !visible(name) || policy.isObjectNameHidden(name);
    }

    /** The console endpoint's restrictor: reads, and invokes ZCC's own operations. */
    public static final class Console extends ZccRestrictor {
        public Console(Configuration config) {
            super(config, true);
        }
    }

    /** The monitoring endpoint's restrictor: reads only. */
    public static final class Monitor extends ZccRestrictor {
        public Monitor(Configuration config) {
            super(config, false);
        }
    }
}
