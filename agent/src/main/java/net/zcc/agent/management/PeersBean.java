package net.zcc.agent.management;

import java.util.Comparator;
import java.util.List;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.PeerStatus;
import net.zcc.contract.KeyId;
import net.zcc.jmx.PeerInfo;
import net.zcc.jmx.PeersMXBean;
import net.zcc.contract.net.IpLiteral;

/** {@code zcc:type=Peers}: the peers the key source holds keys for; never key material. */
public final class PeersBean implements PeersMXBean {
    private final KeySource keys;

    public PeersBean(KeySource keys) {
        this.keys = keys;
    }

    @Override
    public List<PeerInfo> getPeers() {
        return keys.peers().stream().map(PeersBean::info).sorted(Comparator.comparing(PeerInfo::getKeyId)).toList();
    }

    @Override
    public long getRevokedPeersTotal() {
        return keys.revokedPeers();
    }

    static PeerInfo info(PeerStatus p) {
        String id = p.peer() != null ? KeyId.of(p.peer().bytes()).hex() : p.keyId();
        return new PeerInfo(id, p.addresses().stream().map(IpLiteral::format).toList(), p.sessionAgeSeconds(),
                p.rekeys(), p.sinceVouchedSeconds(), p.lastError());
    }
}
