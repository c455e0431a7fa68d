package net.zcc.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.zcc.agent.configd.DaemonSignal;
import net.zcc.agent.configd.Interception;
import net.zcc.agent.configd.NftRenderer;
import net.zcc.agent.configd.RuleOptions;
import net.zcc.agent.configd.ServiceFileStore;
import net.zcc.agent.remote.SerialFilter;
import net.zcc.servicefile.Schemes;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileException;
import net.zcc.servicefile.ServiceFileParser;
import net.zcc.servicefile.ServiceFileWriter;
import net.zcc.servicefile.ServiceRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code zcc}: the administrator's tool for the service file (the seed's client configuration
 * tool). Every change is validated as a whole file before it is saved, saved atomically with the
 * previous version kept, and followed by a SIGHUP to zcc_configd.
 */
@Command(name = "zcc", mixinStandardHelpOptions = true, version = "zcc 0.1.0",
        description = "Edit the ZCC service file and reload zcc_configd.",
        subcommands = {ZccTool.ServiceCmd.class, ZccTool.Validate.class, ZccTool.Export.class, ZccTool.Reload.class,
                ZccTool.Keygen.class, ZccTool.Stats.class, EnrollCmd.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the service file or the change is invalid (nothing was saved)",
            "2:wrong usage",
            "3:cannot read or write a file, or cannot signal the daemon",
            "4:saved, but zcc_configd is not running (the change applies when it starts)"})
public final class ZccTool implements Callable<Integer> {
    static final int INVALID = 1;
    static final int IO_ERROR = 3;
    static final int NOT_RUNNING = 4;

    @Option(names = {"-f", "--file"}, description = "service file (default: ${DEFAULT-VALUE})",
            defaultValue = "/etc/zcc/services.xml", scope = CommandLine.ScopeType.INHERIT)
    Path file;

    @Option(names = "--pid-file", description = "zcc_configd pid file (default: ${DEFAULT-VALUE})",
            defaultValue = "/run/zcc/zcc_configd.pid", scope = CommandLine.ScopeType.INHERIT)
    Path pidFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        SerialFilter.denyAll(); // before anything could deserialise (CVE-2019-17570 in the XML-RPC client)
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool with the given streams; the exit code is the return value (testable). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ZccTool());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("zcc: " + ex.getMessage());
            return ex instanceof IOException ? IO_ERROR : INVALID;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CommandLine.ExitCode.USAGE;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Reads the current file; a missing file is an empty list (the first "add" creates it). */
    ServiceFile load() throws ServiceFileException {
        if (!Files.exists(file)) {
            return ServiceFile.empty();
        }
        return ServiceFileParser.withBuiltInSchemes().parse(file);
    }

    /** Validates, saves atomically and signals the daemon. */
    int saveAndReload(ServiceFile next, String what) throws IOException {
        try {
            ServiceRules.check(next, Schemes.BUILT_IN, file.toString());
        } catch (ServiceFileException e) {
            err().println(e.getMessage());
            return INVALID;
        }
        ServiceFileStore.save(file, next);
        out().println(what + "; saved " + file + " (previous version: " + ServiceFileStore.backupOf(file) + ")");
        return signal();
    }

    int signal() throws IOException {
        if (DaemonSignal.reload(pidFile)) {
            out().println("zcc_configd reloading");
            return 0;
        }
        err().println("zcc_configd is not running (no live process in " + pidFile + "); the file applies when it starts");
        return NOT_RUNNING;
    }

    @Command(name = "service", mixinStandardHelpOptions = true, description = "Add, remove, switch and list services.",
            subcommands = {Add.class, Remove.class, Enable.class, Disable.class, ListCmd.class})
    static final class ServiceCmd implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Override
        public Integer call() {
            top.spec.commandLine().getSubcommands().get("service").usage(top.out());
            return CommandLine.ExitCode.USAGE;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a protected service.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        ServiceCmd parent;

        @Option(names = "--name", required = true, description = "unique label")
        String name;

        @Option(names = "--host", required = true, description = "peer IPv4 or IPv6 address")
        String host;

        @Option(names = "--port", required = true, description = "TCP port 1-65535")
        String port;

        @Option(names = "--type", required = true,
                description = "client: that host connects to me; server: I connect to that host")
        String type;

        @Option(names = "--scheme", defaultValue = Schemes.AES_256, description = "cipher suite (default: ${DEFAULT-VALUE})")
        String scheme;

        @Option(names = "--disabled", description = "add it switched off (encrypt=\"false\")")
        boolean disabled;

        @Option(names = "--compress", description = "compress segments before sealing")
        boolean compress;

        @Option(names = "--policy", defaultValue = "require", description = "require or opportunistic (default: ${DEFAULT-VALUE})")
        String policy;

        @Override
        public Integer call() throws Exception {
            ZccTool top = parent.top;
            Service s;
            try {
                s = new Service(ServiceRules.name(name), net.zcc.contract.net.IpLiteral.parseHost(host),
                        ServiceRules.port(port), ServiceRules.role(type), ServiceRules.scheme(scheme, Schemes.BUILT_IN),
                        !disabled, compress, ServiceRules.policy(policy));
            } catch (IllegalArgumentException e) {
                top.err().println("zcc: " + e.getMessage());
                return INVALID;
            }
            return top.saveAndReload(top.load().with(s), "added " + s.name());
        }
    }

    /** Base of the commands that take one existing service by name. */
    abstract static class Named implements Callable<Integer> {
        @ParentCommand
        ServiceCmd parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "the service's name")
        String name;

        @Override
        public Integer call() throws Exception {
            ZccTool top = parent.top;
            ServiceFile f = top.load();
            if (f.byName(name).isEmpty()) {
                top.err().println("zcc: no service named \"" + name + "\" in " + top.file);
                return INVALID;
            }
            return top.saveAndReload(change(f, f.byName(name).get()), verb() + " " + name);
        }

        abstract ServiceFile change(ServiceFile f, Service s);

        abstract String verb();
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a service.")
    static final class Remove extends Named {
        ServiceFile change(ServiceFile f, Service s) {
            return f.without(s.name());
        }

        String verb() {
            return "removed";
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Switch a service on (encrypt=\"true\").")
    static final class Enable extends Named {
        ServiceFile change(ServiceFile f, Service s) {
            return f.replace(s.name(), s.withEncrypt(true));
        }

        String verb() {
            return "enabled";
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Switch a service off (encrypt=\"false\"); its open connections stay protected until they end.")
    static final class Disable extends Named {
        ServiceFile change(ServiceFile f, Service s) {
            return f.replace(s.name(), s.withEncrypt(false));
        }

        String verb() {
            return "disabled";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the services in the file.")
    static final class ListCmd implements Callable<Integer> {
        @ParentCommand
        ServiceCmd parent;

        @Override
        public Integer call() throws Exception {
            ZccTool top = parent.top;
            String fmt = "%-20s %-39s %5s %-6s %-9s %-7s %-8s %s%n";
            top.out().printf(fmt, "NAME", "HOST", "PORT", "TYPE", "SCHEME", "ENCRYPT", "COMPRESS", "POLICY");
            for (Service s : top.load().services()) {
                top.out().printf(fmt, s.name(), s.hostLiteral(), s.port(), s.role().xml(), s.scheme(), s.encrypt(),
                        s.compress(), s.policy().xml());
            }
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a service file without applying it.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "file to check (default: --file)")
        Path target;

        @Override
        public Integer call() {
            Path p = target != null ? target : top.file;
            try {
                ServiceFile f = ServiceFileParser.withBuiltInSchemes().parse(p);
                top.out().println(p + ": valid, " + f.services().size() + " services, " + f.enabled().size() + " enabled");
                return 0;
            } catch (ServiceFileException e) {
                top.err().println(e.getMessage());
                return INVALID;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the service file in canonical form, or the nft ruleset it renders to.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Option(names = "--nft", description = "print the nft ruleset zcc_configd would apply")
        boolean nft;

        @Option(names = "--interception", defaultValue = "XTABLES_MARK",
                description = "for --nft: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
        Interception interception;

        @Override
        public Integer call() throws Exception {
            ServiceFile f = top.load();
            top.out().print(nft
                    ? NftRenderer.render(f, RuleOptions.defaults(interception), top.file.toString())
                    : ServiceFileWriter.toXml(f));
            top.out().flush();
            return 0;
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, description = "Ask zcc_configd to re-read the file (SIGHUP).")
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Override
        public Integer call() throws Exception {
            return top.signal();
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Print a new random pairwise key line for the key file (manual keying).",
                "Put the same key in both hosts' key files, each line naming the other host, mode 0600."})
    static final class Keygen implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PEER", defaultValue = "*",
                description = "the peer's address, or * for any peer (default: ${DEFAULT-VALUE})")
        String peer;

        @Override
        public Integer call() {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            top.out().println(peer + " " + java.util.HexFormat.of().formatHex(key));
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the agent's counters (packets sealed, opened, dropped by reason).")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        ZccTool top;

        @Override
        public Integer call() throws IOException {
            Path stats = DaemonSignal.defaultStatsFile(top.pidFile);
            if (!Files.exists(stats)) {
                top.err().println("zcc: no counters at " + stats + " (is zcc_configd running?)");
                return NOT_RUNNING;
            }
            top.out().print(Files.readString(stats));
            top.out().flush();
            return 0;
        }
    }
}
