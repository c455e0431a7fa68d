package net.zcc.agent.configd;

import java.io.IOException;
import java.util.List;

/** {@link Firewall} over the {@code nft} and {@code iptables-nft} commands. */
public final class SystemFirewall implements Firewall {
    /** A rule using the native queue expression, checked (never committed) with {@code nft -c}. */
    private static final String PROBE = "add table inet zcc_probe\n"
            + "add chain inet zcc_probe c { type filter hook prerouting priority raw - 20; policy accept; }\n"
            + "add rule inet zcc_probe c meta mark 0x7fffffff queue num 0\n";

    @Override
    public Interception probe() throws IOException {
        Command.Result r = Command.run(List.of("nft", "-c", "-f", "-"), PROBE);
        return r.ok() ? Interception.NATIVE : Interception.XTABLES_MARK;
    }

    @Override
    public void apply(String nftScript) throws IOException {
        Command.Result r = Command.run(List.of("nft", "-f", "-"), nftScript);
        if (!r.ok()) {
            throw new IOException("nft refused the ruleset: " + r.why());
        }
    }

    @Override
    public void installQueueRules(RuleOptions o) throws IOException {
        if (o.interception() == Interception.XTABLES_MARK) {
            for (XtablesQueueRules.Rule rule : XtablesQueueRules.rules(o)) {
                ensure(rule);
            }
        }
    }

    @Override
    public void uninstall(RuleOptions o) throws IOException {
        Command.Result r = Command.run(List.of("nft", "list", "table", "inet", "zcc"), null);
        if (r.ok()) {
            Command.Result d = Command.run(List.of("nft", "delete", "table", "inet", "zcc"), null);
            if (!d.ok()) {
                throw new IOException("cannot delete table inet zcc: " + d.why());
            }
        }
        for (XtablesQueueRules.Rule rule : XtablesQueueRules.rules(o)) {
            for (String stale : ours(rule)) {
                delete(rule, stale);
            }
        }
    }

    /** Makes the chain hold exactly our one rule for this mark: stale ranges are replaced. */
    private void ensure(XtablesQueueRules.Rule rule) throws IOException {
        List<String> present = ours(rule);
        boolean exact = present.size() == 1 && present.get(0).equals(rule.specLine());
        if (exact) {
            return;
        }
        for (String stale : present) {
            delete(rule, stale);
        }
        Command.Result r = Command.run(rule.insertCommand(), null);
        if (!r.ok()) {
            throw new IOException(String.join(" ", rule.insertCommand()) + ": " + r.why());
        }
    }

    /** Lines of {@code -S CHAIN} that queue our mark (whatever their queue range). */
    private List<String> ours(XtablesQueueRules.Rule rule) throws IOException {
        Command.Result r = Command.run(rule.listCommand(), null);
        if (!r.ok()) {
            return List.of(); // the table does not exist yet: nothing of ours in it
        }
        return r.out().lines().filter(rule::isOurs).toList();
    }

    private void delete(XtablesQueueRules.Rule rule, String specLine) throws IOException {
        Command.Result r = Command.run(rule.deleteCommand(specLine), null);
        if (!r.ok()) {
            throw new IOException("cannot delete stale rule \"" + specLine + "\": " + r.why());
        }
    }
}
