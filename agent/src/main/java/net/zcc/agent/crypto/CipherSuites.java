package net.zcc.agent.crypto;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.Set;

/** The cipher suites found with {@link ServiceLoader}, looked up by scheme name or wire number. */
public final class CipherSuites {

    private static final Map<String, CipherSuite> BY_SCHEME = load();

    private CipherSuites() {
    }

    private static Map<String, CipherSuite> load() {
        Map<String, CipherSuite> byScheme = new LinkedHashMap<>();
        Map<Integer, CipherSuite> byNumber = new LinkedHashMap<>();
        for (CipherSuite suite : ServiceLoader.load(CipherSuite.class, CipherSuites.class.getClassLoader())) {
            // Two suites with one name or number would make the wire ambiguous: refuse to start.
            if (byScheme.putIfAbsent(suite.scheme(), suite) != null
                    || byNumber.putIfAbsent(suite.number(), suite) != null) {
                throw new IllegalStateException("duplicate cipher suite " + suite.scheme() + "/" + suite.number());
            }
        }
        return Collections.unmodifiableMap(byScheme);
    }

    /**
     * The suite a service file's {@code scheme} names.
     *
     * @throws NoSuchElementException if no loaded suite has that name
     */
    public static CipherSuite byScheme(String scheme) {
        CipherSuite suite = BY_SCHEME.get(scheme);
        if (suite == null) {
            throw new NoSuchElementException("no cipher suite named \"" + scheme + "\"; known: " + schemes());
        }
        return suite;
    }

    /**
     * The suite with a wire number (OFFER option, PROTOCOL.md 2.1).
     *
     * @throws NoSuchElementException if no loaded suite has that number
     */
    public static CipherSuite byNumber(int number) {
        for (CipherSuite suite : BY_SCHEME.values()) {
            if (suite.number() == number) {
                return suite;
            }
        }
        throw new NoSuchElementException("no cipher suite number " + number);
    }

    /** The scheme names of all loaded suites, in load order. */
    public static Set<String> schemes() {
        return BY_SCHEME.keySet();
    }
}
