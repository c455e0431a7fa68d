package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.zcc.contract.net.IpLiteral;

/**
 * One non-empty line of a key file: {@code <peer literal or *> <64 hex digits>}.
 *
 * @param peer the peer address, or null for the {@code *} default line
 * @param key the key with its id
 */
record KeyLine(InetAddress peer, SessionKey key) {

    private static final byte[] KEY_ID_LABEL = "zcc v1 key id".getBytes(StandardCharsets.US_ASCII);

    /**
     * Parses a line; returns null for blank and comment-only lines.
     *
     * @throws IOException naming {@code file:lineNo} and what is wrong (never the key text)
     */
    static KeyLine parse(Path file, int lineNo, String text) throws IOException {
        int hash = text.indexOf('#');
        String body = (hash >= 0 ? text.substring(0, hash) : text).strip();
        if (body.isEmpty()) {
            return null;
        }
        String[] fields = body.split("\\s+");
        String where = file + ":" + lineNo + ": ";
        if (fields.length != 2) {
            throw new IOException(where + "expected \"<peer address or *> <64 hex digits>\", found "
                    + fields.length + " fields");
        }
        InetAddress peer = null;
        if (fields[0].length() > 45) {
            // Longer than any IP literal: maybe the columns are swapped; never echo a key.
            throw new IOException(where + "the first field is not an IP address or * ("
                    + fields[0].length() + " characters); the order is <peer> <key>");
        }
        if (!fields[0].equals("*")) {
            try {
                peer = IpLiteral.parseHost(fields[0]);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + e.getMessage());
            }
        }
        byte[] key = parseHex(fields[1]);
        if (key == null) {
            throw new IOException(where + "the key must be exactly 64 hex digits (32 bytes), found "
                    + fields[1].length() + " characters");
        }
        return new KeyLine(peer, new SessionKey(keyId(key), key));
    }

    /** Text for messages: the canonical literal, or {@code *}. */
    String peerText() {
        return StaticKeySource.peerText(peer);
    }

    /** {@code first 4 bytes of HMAC-SHA-256(K, "zcc v1 key id")}, big-endian (PROTOCOL.md 4). */
    static int keyId(byte[] key) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] t = hmac.doFinal(KEY_ID_LABEL);
            return ((t[0] & 0xff) << 24) | ((t[1] & 0xff) << 16) | ((t[2] & 0xff) << 8) | (t[3] & 0xff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HMAC-SHA-256", e);
        }
    }

    private static byte[] parseHex(String s) {
        if (s.length() != 2 * SessionKey.LENGTH) {
            return null;
        }
        byte[] b = new byte[SessionKey.LENGTH];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            b[i] = (byte) ((hi << 4) | lo);
        }
        return b;
    }
}
