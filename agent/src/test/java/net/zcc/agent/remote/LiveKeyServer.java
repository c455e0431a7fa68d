package net.zcc.agent.remote;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.zcc.agent.cli.ZccTool;
import net.zcc.contract.KeyId;
import net.zcc.contract.pem.Pem;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.api.Admin;

/**
 * A real key server for the tests, in process: Derby in a temp directory, TLS on 127.0.0.1,
 * 1 s relay polls. The administrator acts in process through {@link Admin}, as the console will.
 * Hosts enroll through the real {@code zcc enroll} command.
 */
final class LiveKeyServer implements AutoCloseable {

    record Run(int code, String out, String err) {
    }

    private final KeyServer server;
    private final Admin admin;
    private final Path caFile;
    private final List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>();

    LiveKeyServer(Path home) throws Exception {
        this(home, null);
    }

    /** With client certificates valid for {@code clientCertificateValidity} (null: the default 30 days). */
    LiveKeyServer(Path home, Duration clientCertificateValidity) throws Exception {
        this(home, clientCertificateValidity, null);
    }

    /** As above, with the key server on {@code clock} (null: real time). */
    LiveKeyServer(Path home, Duration clientCertificateValidity, java.time.Clock clock) throws Exception {
        byte[] adminKey = new byte[32];
        new SecureRandom().nextBytes(adminKey);
        KeyId adminId = KeyId.of(adminKey);
        KeyServerConfig config = KeyServerConfig.defaults(home.resolve("ks"), "zcc", "test-only-password".toCharArray())
                .withAdmins(Set.of(adminId)).withPollTimeout(Duration.ofSeconds(1));
        if (clientCertificateValidity != null) {
            KeyServerConfig c = config;
            config = new KeyServerConfig(c.home(), c.dbUser(), c.dbPassword(), c.caDirectory(), c.port(),
                    c.serverAddresses(), c.admins(), c.rpcLimits(), c.relayLimits(), c.pollTimeout(), c.sweepInterval(),
                    c.revocationCacheTtl(), clientCertificateValidity, c.clock(), c.bind());
        }
        if (clock != null) {
            config = config.withClock(clock);
        }
        server = new KeyServer(config);
        server.start();
        admin = new Admin(server.api(), Optional.of(adminId));
        caFile = home.resolve("fleet-ca.pem");
        Files.write(caFile, Pem.certificate(server.fleetCa().certificate()));
    }

    String url() {
        return server.baseUri().toString();
    }

    Path caFile() {
        return caFile;
    }

    KeyServer server() {
        return server;
    }

    String token() throws Exception {
        Map<String, Object> t = admin.issueToken(600);
        String token = (String) t.get("token");
        issued.add(token);
        return token;
    }

    /** Every token this fixture issued (secrets: tests check they appear in no log). */
    List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    boolean approve(String keyId) throws Exception {
        return admin.approve(keyId);
    }

    boolean revoke(String keyId) throws Exception {
        return admin.revoke(keyId);
    }

    /** Runs {@code zcc enroll} (in process) for a host with identity {@code dir} and {@code addresses}. */
    Run enroll(Path dir, String... addresses) throws Exception {
        return enrollWith(token(), dir, addresses);
    }

    /** As {@link #enroll} with a given token. */
    Run enrollWith(String token, Path dir, String... addresses) {
        List<String> args = new ArrayList<>(List.of("enroll", "--server", url(), "--token", token,
                "--ca-cert", caFile.toString(), "--identity", dir.toString()));
        for (String a : addresses) {
            args.add("--address");
            args.add(a);
        }
        return zcc(args.toArray(String[]::new));
    }

    static Run zcc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZccTool.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Enrolls, approves and fetches the certificate: an identity ready for {@link KeyServerClient#open}. */
    AgentIdentity enrolledHost(Path dir, String address) throws Exception {
        Run r = enroll(dir, address);
        if (r.code() != 5) {
            throw new AssertionError("enroll: " + r);
        }
        AgentIdentity id = AgentIdentity.load(dir);
        approve(id.keyId());
        Run f = zcc("enroll", "--finish", "--identity", dir.toString());
        if (f.code() != 0) {
            throw new AssertionError("enroll --finish: " + f);
        }
        return AgentIdentity.load(dir);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
