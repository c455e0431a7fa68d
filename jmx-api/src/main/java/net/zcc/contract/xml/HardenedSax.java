package net.zcc.contract.xml;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * SAX parsing hardened for XML from the other side: the JDK's own parser with secure processing
 * on, any DOCTYPE refused, no external entities or DTDs, and errors thrown instead of printed to
 * stderr. Both sides use it: the agent and the admin client read key server responses with
 * {@link #newReader()}; the key server installs {@link #newFactory()} as Apache XML-RPC's
 * JVM-global factory for the requests it parses.
 *
 * <p>Why: Apache XML-RPC 3.1.3's own defaults block file entities but still accept a DOCTYPE and
 * fetch an external DTD (SSRF, STACK-NOTES 2); a plain JDK factory even expands file entities
 * (CVE-2016-5002). The JDK's built-in factory ({@code newDefaultInstance}), not whatever JAXP
 * provider the classpath brings, so the features below are known to exist; a parser that lacks
 * one is refused rather than used unhardened.
 */
public final class HardenedSax {

    /** Refuses any DOCTYPE, so no entity can be declared at all. */
    public static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    /** External general entities (file:, http:) off. */
    public static final String EXTERNAL_GENERAL = "http://xml.org/sax/features/external-general-entities";
    /** External parameter entities off. */
    public static final String EXTERNAL_PARAMETER = "http://xml.org/sax/features/external-parameter-entities";
    /** No external DTD fetched, even by a non-validating parser. */
    public static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";

    /** Fails at once instead of printing "[Fatal Error] ..." to stderr, as the JDK parser does without one. */
    public static final ErrorHandler THROW_ERRORS = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static final SAXParserFactory SHARED = newFactory();

    private HardenedSax() {
    }

    /**
     * A new hardened factory, namespace aware (XML-RPC's {@code ex:} extension types are told
     * apart by namespace URI).
     *
     * @throws IllegalStateException if the JDK parser refuses one of the features: better not to
     *     start than to run with a parser that reads DOCTYPEs
     */
    public static SAXParserFactory newFactory() {
        SAXParserFactory f = SAXParserFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature(DISALLOW_DOCTYPE, true);
            f.setFeature(EXTERNAL_GENERAL, false);
            f.setFeature(EXTERNAL_PARAMETER, false);
            f.setFeature(LOAD_EXTERNAL_DTD, false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's SAX parser cannot be hardened: " + e.getMessage(), e);
        }
        return f;
    }

    /** A reader from the shared hardened factory that throws on every error. */
    public static XMLReader newReader() throws SAXException {
        try {
            XMLReader reader;
            synchronized (SHARED) { // a factory is not thread-safe; making a parser is cheap
                reader = SHARED.newSAXParser().getXMLReader();
            }
            reader.setErrorHandler(THROW_ERRORS);
            return reader;
        } catch (ParserConfigurationException e) {
            throw new SAXException("cannot make an XML parser", e);
        }
    }
}
