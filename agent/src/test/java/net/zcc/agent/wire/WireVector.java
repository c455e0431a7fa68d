package net.zcc.agent.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One vector of src/test/resources/vectors/wire, made by gen_vectors.py there (independently of
 * the Java code). Format: '#' comments, "op: X", "args: k=v ...", "fields: k=v ...", then
 * "in:" and optionally "out:", each followed by hex lines.
 */
record WireVector(String name, String op, Map<String, String> args, Map<String, String> fields, byte[] in,
                  byte[] out) {
    private static final String DIR = "/vectors/wire/";

    static List<WireVector> all() {
        List<WireVector> out = new ArrayList<>();
        for (String line : read("index.txt").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(parse(line.trim().replace(".txt", ""), read(line.trim())));
            }
        }
        return out;
    }

    static List<WireVector> of(String op) {
        return all().stream().filter(v -> v.op.equals(op)).toList();
    }

    private static WireVector parse(String name, String text) {
        String op = null;
        Map<String, String> args = new HashMap<>();
        Map<String, String> fields = new HashMap<>();
        StringBuilder in = new StringBuilder();
        StringBuilder out = null;
        StringBuilder hex = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            } else if (line.startsWith("op:")) {
                op = line.substring(3).trim();
            } else if (line.startsWith("args:")) {
                pairs(line.substring(5), args);
            } else if (line.startsWith("fields:")) {
                pairs(line.substring(7), fields);
            } else if (line.startsWith("in:")) {
                hex = in;
            } else if (line.startsWith("out:")) {
                out = new StringBuilder();
                hex = out;
            } else if (hex != null) {
                hex.append(line.replaceAll("\\s", ""));
            }
        }
        return new WireVector(name, op, args, fields, HexFormat.of().parseHex(in),
                out == null ? null : HexFormat.of().parseHex(out));
    }

    private static void pairs(String s, Map<String, String> into) {
        for (String kv : s.trim().split("\\s+")) {
            String[] p = kv.split("=", 2);
            into.put(p[0], p[1]);
        }
    }

    long num(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no " + key);
        }
        return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
    }

    long arg(String key) {
        return num(args, key);
    }

    long field(String key) {
        return num(fields, key);
    }

    byte[] hexArg(String key) {
        return HexFormat.of().parseHex(args.get(key));
    }

    /** The input at offset 0 of an array with {@link TcpPacket#MAX_GROWTH} (+ {@code extra}) spare bytes. */
    byte[] buffer(int extra) {
        byte[] b = new byte[in.length + TcpPacket.MAX_GROWTH + extra];
        System.arraycopy(in, 0, b, 0, in.length);
        return b;
    }

    private static String read(String file) {
        try (InputStream s = WireVector.class.getResourceAsStream(DIR + file)) {
            if (s == null) {
                throw new IllegalStateException("missing vector " + file);
            }
            return new String(s.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
