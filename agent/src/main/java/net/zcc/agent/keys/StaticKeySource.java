package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.contract.net.IpLiteral;

/**
 * Manual keying (PROTOCOL.md 4): pairwise session keys from a pre-shared key file.
 *
 * <pre>
 * # comment
 * 198.18.12.10    0011...(64 hex digits)
 * 2001:2:ff::7    ffee...
 * *               a1b2...   # any other peer
 * </pre>
 *
 * The file must belong to the user running the agent and have mode 0600 or 0400: a key
 * readable by anyone else is no longer a secret between two agents. Peers are IP literals only,
 * so loading never asks DNS. Immutable once loaded; reload by loading a new instance.
 */
public final class StaticKeySource implements KeySource {

    private static final Set<PosixFilePermission> OWNER_RW =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_R = Set.of(PosixFilePermission.OWNER_READ);

    private final Path file;
    private final Map<InetAddress, SessionKey> byPeer;
    private final SessionKey fallback;

    private StaticKeySource(Path file, Map<InetAddress, SessionKey> byPeer, SessionKey fallback) {
        this.file = file;
        this.byPeer = Map.copyOf(byPeer);
        this.fallback = fallback;
    }

    /**
     * Checks the file's owner and mode, then parses it.
     *
     * @throws IOException if the file cannot be read, is not owned by the current user, is
     *     accessible to group or others, or has a bad line (the message names file and line)
     */
    public static StaticKeySource load(Path file) throws IOException {
        checkOwnerAndMode(file);
        // ISO-8859-1 never fails to decode; non-ASCII then fails the literal or hex check with file:line.
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        Map<InetAddress, SessionKey> byPeer = new HashMap<>();
        SessionKey fallback = null;
        for (int i = 0; i < lines.size(); i++) {
            KeyLine line = KeyLine.parse(file, i + 1, lines.get(i));
            if (line == null) {
                continue;
            }
            boolean duplicate = line.peer() == null
                    ? fallback != null
                    : byPeer.containsKey(line.peer());
            if (duplicate) {
                throw new IOException(file + ":" + (i + 1) + ": a second key for peer " + line.peerText());
            }
            if (line.peer() == null) {
                fallback = line.key();
            } else {
                byPeer.put(line.peer(), line.key());
            }
        }
        return new StaticKeySource(file, byPeer, fallback);
    }

    /** The owner-only rule of every key file, and stricter: no execute bit either. */
    static void checkOwnerAndMode(Path file) throws IOException {
        OwnerOnlyFiles.requireFile(file, "key file");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!perms.equals(OWNER_RW) && !perms.equals(OWNER_R)) {
            throw new IOException("key file " + file + " has mode " + OwnerOnlyFiles.octal(perms)
                    + "; it must be 0600 or 0400 (no access for group or others): chmod 600 " + file);
        }
    }

    @Override
    public Optional<SessionKey> current(InetAddress peer) {
        return Optional.ofNullable(byPeer.getOrDefault(peer, fallback));
    }

    @Override
    public Optional<SessionKey> byId(InetAddress peer, int keyId) {
        return current(peer).filter(k -> k.id() == keyId);
    }

    /** One entry per peer address of the file, named by its key id; a manual key never ages nor rekeys. */
    @Override
    public java.util.List<PeerStatus> peers() {
        return byPeer.entrySet().stream()
                .map(e -> new PeerStatus(null, String.format("%08x", e.getValue().id()), java.util.List.of(e.getKey()),
                        -1, 0, 0, ""))
                .sorted(java.util.Comparator.comparing(p -> IpLiteral.format(p.addresses().get(0))))
                .toList();
    }

    /** Names the file and counts keys; never prints key material. */
    @Override
    public String toString() {
        return "StaticKeySource[" + file + ", " + byPeer.size() + " peer keys"
                + (fallback != null ? ", default key " + String.format("%08x", fallback.id()) : "") + "]";
    }

    /** Formats a peer for messages, without DNS. */
    static String peerText(InetAddress peer) {
        return peer == null ? "*" : IpLiteral.format(peer);
    }
}
