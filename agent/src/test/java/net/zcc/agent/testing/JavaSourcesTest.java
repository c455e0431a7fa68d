package net.zcc.agent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dependency rules see imports and qualified names in code, never comments or strings. */
class JavaSourcesTest {

    @TempDir
    Path src;

    @Test
    void importsAndQualifiedNamesCountCommentsAndStringsDoNot() throws Exception {
        Files.createDirectories(src.resolve("a"));
        Files.writeString(src.resolve("a/A.java"), String.join("\n",
                "package net.zcc.a;",
                "import static java.util.Objects.requireNonNull;",
                "import com.sun.jna.*;",
                "/** Unlike {@link net.zcc.keyserver.KeyServer}, see org.apache.xmlrpc. */",
                "class A { // java.net.http is not used here",
                "    void run() {",
                "        net.zcc.agent.remote.SerialFilter.denyAll();",
                "        String s = \"net.zcc.console.Console \\\" org.jolokia\";",
                "        char q = '\"'; java.util.List<String> l = null; /* javax.management */",
                "        System.getLogger(\"x\");",
                "    }",
                "}"));
        JavaSources sources = JavaSources.under(src);
        Set<String> refs = sources.references("a/A.java");
        assertTrue(refs.contains("java.util.Objects.requireNonNull"), refs.toString());
        assertTrue(refs.contains("com.sun.jna"), refs.toString());
        assertTrue(refs.contains("net.zcc.agent.remote.SerialFilter.denyAll"), refs.toString());
        assertTrue(refs.contains("java.util.List"), refs.toString());
        for (String absent : new String[] {"net.zcc.keyserver", "org.apache.xmlrpc", "java.net.http", "net.zcc.console",
                "org.jolokia", "javax.management", "net.zcc.a"}) {
            assertEquals(Set.of(), sources.users(absent), absent);
        }
        assertEquals(Set.of("a/A.java"), sources.users("net.zcc.agent.remote"));
        assertEquals(Set.of("a/A.java"), sources.codeMatching("\\bSystem\\.getLogger\\b"));
        assertFalse(JavaSources.matches("java.net.SocketAddress", "java.net.Socket"));
        assertTrue(JavaSources.matches("java.net.SocketAddress", "java.net.Socket*"));
        assertEquals("net.zcc.keyserver", JavaSources.packageOf("net.zcc.keyserver.KeyServer.start"));
    }
}
