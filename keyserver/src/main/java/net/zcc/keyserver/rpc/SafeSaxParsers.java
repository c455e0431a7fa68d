package net.zcc.keyserver.rpc;

import net.zcc.contract.xml.HardenedSax;
import org.apache.xmlrpc.util.SAXParsers;

/**
 * Installs the contract's hardened SAX parser factory ({@link HardenedSax}) into Apache XML-RPC's
 * JVM-global {@link SAXParsers}, through which the server parses every request.
 *
 * <p>Why: XML-RPC 3.1.3's own defaults block file entities but still accept a DOCTYPE and fetch an
 * external DTD (SSRF, see STACK-NOTES 2). The factory is shared by every XML-RPC client and server
 * in the JVM, so it is installed once, before the first parse.
 */
public final class SafeSaxParsers {

    private static boolean installed;

    private SafeSaxParsers() { }

    /**
     * Makes the hardened factory XML-RPC's global one; idempotent.
     *
     * @throws IllegalStateException if the JDK parser refuses one of the features: we would rather
     *     not start than run with a parser that reads DOCTYPEs
     */
    public static synchronized void install() {
        if (!installed) {
            SAXParsers.setSAXParserFactory(HardenedSax.newFactory());
            installed = true;
        }
    }
}
