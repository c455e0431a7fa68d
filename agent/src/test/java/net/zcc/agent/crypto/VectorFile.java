package net.zcc.agent.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the key=value vector files under {@code vectors/zcc/} (format: README.md there). */
public final class VectorFile {

    private VectorFile() {
    }

    /** One vector: named fields with hex and decimal accessors. */
    public record Vector(Map<String, String> fields) {
        public String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalArgumentException("vector " + fields.get("name") + " lacks " + key);
            }
            return v;
        }

        public byte[] hex(String key) {
            return HexFormat.of().parseHex(get(key));
        }

        public int integer(String key) {
            return Integer.parseInt(get(key));
        }

        /** A 64-bit value written as 16 hex digits. */
        public long hexLong(String key) {
            return Long.parseUnsignedLong(get(key), 16);
        }

        @Override
        public String toString() {
            return fields.getOrDefault("name", "?");
        }
    }

    /** Loads {@code /vectors/zcc/<name>} from the test classpath. */
    public static List<Vector> load(String name) {
        try (InputStream in = VectorFile.class.getResourceAsStream("/vectors/zcc/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector file " + name);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<Vector> out = new ArrayList<>();
            Map<String, String> cur = new LinkedHashMap<>();
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    if (!cur.isEmpty()) {
                        out.add(new Vector(cur));
                        cur = new LinkedHashMap<>();
                    }
                    continue;
                }
                int eq = line.indexOf('=');
                cur.put(line.substring(0, eq), line.substring(eq + 1));
            }
            if (!cur.isEmpty()) {
                out.add(new Vector(cur));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
