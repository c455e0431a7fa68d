package net.zcc.agent.management;

import java.util.List;
import net.zcc.agent.configd.Reloader;
import net.zcc.agent.configd.ServiceMerge;
import net.zcc.jmx.PushResult;
import net.zcc.jmx.ReloadResult;
import net.zcc.jmx.ServiceEntry;
import net.zcc.jmx.ServicesMXBean;
import net.zcc.contract.net.IpLiteral;
import net.zcc.servicefile.Service;

/**
 * {@code zcc:type=Services}: the effective configuration with each entry's origin, the last
 * reload, and {@link #push}, which goes through the {@link Reloader} exactly as a SIGHUP does.
 */
public final class ServicesBean implements ServicesMXBean {
    private volatile Reloader reloader;

    /** Set once the first configuration is in force; until then the bean reports nothing and refuses pushes. */
    public void attach(Reloader r) {
        reloader = r;
    }

    @Override
    public List<ServiceEntry> getEffectiveServices() {
        Reloader r = reloader;
        Reloader.Active a = r == null ? null : r.active();
        return a == null ? List.of() : a.merged().entries().stream().map(ServicesBean::entry).toList();
    }

    @Override
    public long getCentralRevision() {
        Reloader r = reloader;
        return r == null ? 0 : r.centralRevision();
    }

    @Override
    public ReloadResult getLastReload() {
        Reloader r = reloader;
        Reloader.Outcome o = r == null ? null : r.lastOutcome();
        return o == null ? new ReloadResult(false, 0, "", "no reload yet", List.of())
                : new ReloadResult(o.applied(), o.timeEpochMillis(), o.trigger(), o.message(), o.problems());
    }

    @Override
    public PushResult push(long revision, String servicesXml) {
        Reloader r = reloader;
        if (r == null) {
            return new PushResult(false, 0, "the agent is starting; push again", List.of(), List.of());
        }
        Reloader.Outcome o = r.push(revision, servicesXml);
        return new PushResult(o.applied(), r.centralRevision(), o.message(), o.problems(), o.overridden());
    }

    static ServiceEntry entry(ServiceMerge.Entry e) {
        Service s = e.service();
        return new ServiceEntry(s.name(), IpLiteral.format(s.host()), s.port(), s.role().xml(), s.scheme(),
                s.encrypt(), s.compress(), s.policy().xml(), e.origin(), e.revision(), e.overriding());
    }
}
