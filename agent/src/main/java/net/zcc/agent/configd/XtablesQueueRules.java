package net.zcc.agent.configd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fixed iptables-nft rules of the {@link Interception#XTABLES_MARK} path: queue packets that
 * the {@code inet zcc} table marked. They run just after our nft chains (mangle OUTPUT at -150
 * after our -160; raw PREROUTING at -300 after our -310) and never change on reload.
 */
final class XtablesQueueRules {
    private XtablesQueueRules() {
    }

    /** One rule in one tool/table/chain, with the commands that check, add and remove it. */
    record Rule(String tool, String table, String chain, List<String> match) {
        /** The rule as {@code iptables -S} prints it, which is how we recognise it later. */
        String specLine() {
            return "-A " + chain + " " + String.join(" ", match);
        }

        List<String> listCommand() {
            return List.of(tool, "-w", "5", "-t", table, "-S", chain);
        }

        /** First in the chain: an earlier ACCEPT in the same chain must not skip the queue. */
        List<String> insertCommand() {
            List<String> c = new ArrayList<>(List.of(tool, "-w", "5", "-t", table, "-I", chain, "1"));
            c.addAll(match);
            return c;
        }

        List<String> deleteCommand(String specLine) {
            List<String> c = new ArrayList<>(List.of(tool, "-w", "5", "-t", table, "-D", chain));
            c.addAll(Arrays.asList(specLine.substring(("-A " + chain + " ").length()).split(" ")));
            return c;
        }

        boolean isOurs(String line) {
            return line.startsWith("-A " + chain + " ") && line.contains(match.get(2) + " " + match.get(3))
                    && line.contains("-j NFQUEUE");
        }
    }

    static List<Rule> rules(RuleOptions o) {
        String markMask = o.markHex().replaceFirst("^0x0*", "0x") + "/" + o.markHex().replaceFirst("^0x0*", "0x");
        List<String> queue = o.queueCount() == 1
                ? List.of("--queue-num", Integer.toString(o.firstQueue()))
                : List.of("--queue-balance", o.firstQueue() + ":" + o.lastQueue());
        List<String> match = new ArrayList<>(List.of("-m", "mark", "--mark", markMask, "-j", "NFQUEUE"));
        match.addAll(queue);
        List<Rule> out = new ArrayList<>();
        for (String tool : List.of("iptables", "ip6tables")) {
            out.add(new Rule(tool, "mangle", "OUTPUT", match));
            out.add(new Rule(tool, "raw", "PREROUTING", match));
        }
        return out;
    }
}
