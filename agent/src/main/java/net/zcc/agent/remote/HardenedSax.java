package net.zcc.agent.remote;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * SAX readers for key server responses: the JDK's parser with DOCTYPE refused, no external
 * entities or DTDs (STACK-NOTES: the library's global factory fetches external DTDs), and errors
 * thrown instead of printed to stderr. Our own factory, not {@code SAXParsers.setSAXParserFactory},
 * because that one is JVM-global and the in-process key server of the tests sets its own.
 */
final class HardenedSax {

    private static final SAXParserFactory FACTORY = factory();

    private HardenedSax() {
    }

    static XMLReader newReader() throws SAXException {
        try {
            XMLReader reader;
            synchronized (FACTORY) {
                reader = FACTORY.newSAXParser().getXMLReader();
            }
            reader.setErrorHandler(new ErrorHandler() {
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
            });
            return reader;
        } catch (ParserConfigurationException e) {
            throw new SAXException("cannot make an XML parser", e);
        }
    }

    private static SAXParserFactory factory() {
        SAXParserFactory f = SAXParserFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's SAX parser lacks a hardening feature", e);
        }
        return f;
    }
}
