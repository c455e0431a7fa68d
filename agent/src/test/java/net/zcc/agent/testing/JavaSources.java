package net.zcc.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What Java sources refer to, for the dependency rules: every {@code import} (static ones too),
 * and every fully qualified name written in the code itself (say
 * {@code net.zcc.agent.remote.SerialFilter.denyAll()}), with comments and string and character
 * literals removed first, so a name that is only mentioned in prose or a message does not count.
 * A name is a dotted identifier under one of the top-level packages the rules speak of.
 */
public final class JavaSources {

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+[\\w.]+\\s*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])(?:net|com|org|java|javax|jakarta|sun)(?:\\s*\\.\\s*[A-Za-z_]\\w*)+");

    private final Path root;
    /** File (relative to the root, '/'-separated) to the names it refers to. */
    private final Map<String, Set<String>> references = new TreeMap<>();
    /** File to its code without comments and literals. */
    private final Map<String, String> code = new TreeMap<>();

    private JavaSources(Path root) {
        this.root = root;
    }

    /** Reads every {@code .java} file under {@code root} (a source root such as src/main/java). */
    public static JavaSources under(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no sources at " + root.toAbsolutePath());
        }
        JavaSources s = new JavaSources(root);
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(s::read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** The files (relative, '/'-separated) that refer to a name matching {@code pattern}, sorted. */
    public Set<String> users(String pattern) {
        Set<String> out = new TreeSet<>();
        references.forEach((file, names) -> {
            if (names.stream().anyMatch(n -> matches(n, pattern))) {
                out.add(file);
            }
        });
        return out;
    }

    /** The names {@code file} refers to. */
    public Set<String> references(String file) {
        return references.getOrDefault(file, Set.of());
    }

    /** Every file, relative and '/'-separated. */
    public Set<String> files() {
        return references.keySet();
    }

    /** The files whose code (comments and literals removed) contains {@code regex}. */
    public Set<String> codeMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        Set<String> out = new TreeSet<>();
        code.forEach((file, text) -> {
            if (p.matcher(text).find()) {
                out.add(file);
            }
        });
        return out;
    }

    /**
     * True if {@code name} is {@code pattern} or inside it ({@code java.nio.file} covers
     * {@code java.nio.file.Files}); a trailing {@code *} is a plain prefix ({@code java.io.File*}
     * covers {@code java.io.FileInputStream}).
     */
    public static boolean matches(String name, String pattern) {
        if (pattern.endsWith("*")) {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return name.equals(pattern) || name.startsWith(pattern + ".");
    }

    /** The package of a qualified name: the segments before the first capitalised one. */
    public static String packageOf(String name) {
        StringBuilder pkg = new StringBuilder();
        for (String segment : name.split("\\.")) {
            if (Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            pkg.append(pkg.length() == 0 ? "" : ".").append(segment);
        }
        return pkg.toString();
    }

    private void read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String stripped = PACKAGE.matcher(strip(text)).replaceFirst("");
        Set<String> names = new TreeSet<>();
        Matcher m = IMPORT.matcher(stripped);
        while (m.find()) {
            names.add(m.group(1));
        }
        m = QUALIFIED.matcher(stripped);
        while (m.find()) {
            names.add(m.group().replaceAll("\\s", ""));
        }
        String key = root.relativize(file).toString().replace('\\', '/');
        references.put(key, names);
        code.put(key, stripped);
    }

    /** The source with comments, string, text block and character literals blanked out. */
    static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("//", i)) {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? s.length() : eol; // the line break stays
            } else if (s.startsWith("/*", i)) {
                i = skipTo(s, "*/", i + 2);
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                i = skipLiteral(s, "\"\"\"", i + 3);
                out.append("\"\"");
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                String quote = String.valueOf(s.charAt(i));
                i = skipLiteral(s, quote, i + 1);
                out.append(quote).append(quote);
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The index after {@code end}, or the length if it never comes. */
    private static int skipTo(String s, String end, int from) {
        int at = s.indexOf(end, from);
        return at < 0 ? s.length() : at + end.length();
    }

    /** The index after the literal's closing {@code quote}; a backslash escapes the next character. */
    private static int skipLiteral(String s, String quote, int from) {
        int i = from;
        while (i < s.length() && !s.startsWith(quote, i)) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(s.length(), i + quote.length());
    }
}
