package net.zcc.keyserver.rpc;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.apache.xmlrpc.util.SAXParsers;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;

/**
 * Installs an XXE-safe SAX parser factory into Apache XML-RPC's JVM-global {@link SAXParsers}.
 *
 * <p>Why: XML-RPC 3.1.3's own defaults block file entities but still accept a DOCTYPE and fetch an
 * external DTD (SSRF, see STACK-NOTES 2); a plain JDK factory even expands file entities
 * (CVE-2016-5002). The factory is shared by every XML-RPC client and server in the JVM, so it is
 * installed once, before the first parse.
 */
public final class SafeSaxParsers {

    static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    static final String EXTERNAL_GENERAL = "http://xml.org/sax/features/external-general-entities";
    static final String EXTERNAL_PARAMETER = "http://xml.org/sax/features/external-parameter-entities";
    static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";

    /** Fails at once instead of printing "[Fatal Error] ..." to stderr, as the JDK parser does without one. */
    static final ErrorHandler SILENT = new ErrorHandler() {
        @Override public void warning(SAXParseException e) { }
        @Override public void error(SAXParseException e) throws SAXException { throw e; }
        @Override public void fatalError(SAXParseException e) throws SAXException { throw e; }
    };

    private static boolean installed;

    private SafeSaxParsers() { }

    /**
     * Builds the hardened factory and makes it XML-RPC's global one; idempotent.
     *
     * @throws IllegalStateException if the JDK parser refuses one of the features: we would rather
     *     not start than run with a parser that reads DOCTYPEs
     */
    public static synchronized void install() {
        if (!installed) {
            SAXParsers.setSAXParserFactory(newFactory());
            installed = true;
        }
    }

    /** Returns a new factory with secure processing on and every DOCTYPE path closed. */
    static SAXParserFactory newFactory() {
        SAXParserFactory f = SAXParserFactory.newInstance();
        // XML-RPC's own factory is namespace aware: "ex:" extension types are recognised by URI.
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature(DISALLOW_DOCTYPE, true);
            f.setFeature(EXTERNAL_GENERAL, false);
            f.setFeature(EXTERNAL_PARAMETER, false);
            f.setFeature(LOAD_EXTERNAL_DTD, false);
        } catch (ParserConfigurationException | SAXNotRecognizedException | SAXNotSupportedException e) {
            throw new IllegalStateException("SAX parser cannot be hardened: " + e.getMessage(), e);
        }
        return f;
    }
}
