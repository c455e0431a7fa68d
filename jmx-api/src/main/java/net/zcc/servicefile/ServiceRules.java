package net.zcc.servicefile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a service file obeys, in one place, shared by the parser and by the {@code zcc} tool
 * (which builds services from the command line). Each check throws
 * {@link IllegalArgumentException} with a sentence meant for an administrator.
 */
public final class ServiceRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ServiceRules() {
    }

    public static String name(String v) {
        if (!NAME.matcher(v).matches()) {
            throw new IllegalArgumentException("name \"" + v + "\" must be 1 to 64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        return v;
    }

    public static int port(String v) {
        int p;
        try {
            p = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + v + "\" is not a number");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " is out of range (1 to 65535)");
        }
        return p;
    }

    public static Role role(String v) {
        Role r = Role.fromXml(v);
        if (r == null) {
            throw new IllegalArgumentException("type \"" + v + "\" must be \"client\" (that host connects to me)"
                    + " or \"server\" (I connect to that host)");
        }
        return r;
    }

    public static String scheme(String v, Set<String> known) {
        if (!known.contains(v)) {
            throw new IllegalArgumentException("unknown scheme \"" + v + "\"; known schemes: "
                    + String.join(", ", known.stream().sorted().toList()));
        }
        return v;
    }

    public static boolean bool(String attr, String v) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(attr + " \"" + v + "\" must be \"true\" or \"false\"");
        };
    }

    public static Policy policy(String v) {
        Policy p = Policy.fromXml(v);
        if (p == null) {
            throw new IllegalArgumentException("policy \"" + v + "\" must be \"require\" or \"opportunistic\"");
        }
        return p;
    }

    /**
     * Finds duplicate names and duplicate (host, port, type) keys.
     *
     * @return for each offending service (by index), the sentence describing the clash
     */
    public static Map<Integer, String> clashes(List<Service> services) {
        Map<Integer, String> out = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        Map<Service.Key, Integer> keys = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            Service s = services.get(i);
            Integer prevName = names.putIfAbsent(s.name(), i);
            Integer prevKey = keys.putIfAbsent(s.key(), i);
            if (prevName != null) {
                out.put(i, "duplicate name \"" + s.name() + "\" (already used by service #" + (prevName + 1) + ")");
            } else if (prevKey != null) {
                out.put(i, "duplicate service " + s.key() + " (already defined as \""
                        + services.get(prevKey).name() + "\")");
            }
        }
        return out;
    }

    /** Checks a whole file built in memory (no positions); used by the {@code zcc} tool. */
    public static void check(ServiceFile file, Set<String> knownSchemes, String origin) throws ServiceFileException {
        List<Problem> problems = new ArrayList<>();
        for (Service s : file.services()) {
            try {
                name(s.name());
                scheme(s.scheme(), knownSchemes);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(origin, 0, 0, "service \"" + s.name() + "\": " + e.getMessage()));
            }
        }
        clashes(file.services()).values().forEach(m -> problems.add(new Problem(origin, 0, 0, m)));
        if (!problems.isEmpty()) {
            throw new ServiceFileException(problems);
        }
    }
}
