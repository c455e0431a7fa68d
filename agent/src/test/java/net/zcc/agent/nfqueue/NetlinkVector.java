package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One test vector from src/test/resources/vectors/netlink: a kind, named fields and the
 * message bytes. File format: '#' comments, "kind: K", "fields: a=1 b=0x2", then "hex:" and
 * hex lines (whitespace ignored) to the end.
 */
record NetlinkVector(String name, String kind, Map<String, String> fields, byte[] bytes) {
    private static final String DIR = "/vectors/netlink/";

    static List<NetlinkVector> all() {
        List<NetlinkVector> out = new ArrayList<>();
        for (String line : read("index.txt").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(parse(line.trim(), read(line.trim())));
            }
        }
        return out;
    }

    static NetlinkVector parse(String name, String text) {
        String kind = null;
        Map<String, String> fields = new HashMap<>();
        StringBuilder hex = new StringBuilder();
        boolean inHex = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (inHex) {
                hex.append(line.replaceAll("\\s", ""));
            } else if (line.startsWith("kind:")) {
                kind = line.substring(5).trim();
            } else if (line.startsWith("fields:")) {
                for (String kv : line.substring(7).trim().split("\\s+")) {
                    String[] p = kv.split("=", 2);
                    fields.put(p[0], p[1]);
                }
            } else if (line.startsWith("hex:")) {
                inHex = true;
            }
        }
        return new NetlinkVector(name, kind, fields, HexFormat.of().parseHex(hex));
    }

    int intField(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no field " + key);
        }
        return v.startsWith("0x") ? Integer.parseUnsignedInt(v.substring(2), 16) : Integer.parseInt(v);
    }

    String field(String key) {
        return fields.get(key);
    }

    /** The bytes in a host-order direct buffer at offset {@code pad}, as a receive would leave them. */
    ByteBuffer buffer(int pad) {
        ByteBuffer b = ByteBuffer.allocateDirect(pad + bytes.length + 64).order(ByteOrder.nativeOrder());
        b.put(pad, bytes);
        return b;
    }

    @Override
    public String toString() {
        return name;
    }

    private static String read(String file) {
        try (InputStream in = NetlinkVector.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
