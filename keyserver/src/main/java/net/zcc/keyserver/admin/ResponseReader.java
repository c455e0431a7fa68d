package net.zcc.keyserver.admin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import net.zcc.keyserver.rpc.SafeSaxParsers;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.common.XmlRpcController;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;
import org.apache.xmlrpc.common.XmlRpcWorkerFactory;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.apache.xmlrpc.util.SAXParsers;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Parses a {@code methodResponse} with the library's parser, hardened three ways.
 *
 * <ol>
 *   <li>The fault branch is replaced: a fault is its {@code faultCode} and {@code faultString},
 *       nothing else. The stock {@code XmlRpcResponseParser.addResult} runs
 *       {@code ObjectInputStream.readObject} on a fault's {@code faultCause} whatever
 *       {@code enabledForExtensions} says (CVE-2019-17570); here it is never looked at.</li>
 *   <li>Extensions are off: {@code ex:serializable} and the other extension types are refused.</li>
 *   <li>The SAX reader refuses any DOCTYPE ({@link SafeSaxParsers}).</li>
 * </ol>
 */
final class ResponseReader {

    /** Longest fault text kept: it is printed to a terminal. */
    static final int MAX_FAULT_TEXT = 200;

    /** What the server answered: a value, or a fault. */
    record Answer(Object value, boolean fault, int faultCode, String faultText) { }

    private ResponseReader() { }

    /**
     * Reads {@code xml}.
     *
     * @throws IOException if it is not a well-formed, extension-free XML-RPC response
     */
    static Answer read(byte[] xml) throws IOException {
        SafeSaxParsers.install();
        XmlRpcHttpRequestConfigImpl config = new XmlRpcHttpRequestConfigImpl();
        config.setEnabledForExtensions(false);
        config.setEnabledForExceptions(false);
        FaultOnlyParser parser = new FaultOnlyParser(config);
        try {
            XMLReader reader = SAXParsers.newXMLReader();
            reader.setContentHandler(parser);
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
            return parser.isSuccess() ? new Answer(parser.getResult(), false, 0, null)
                    : new Answer(null, true, parser.code, parser.text);
        } catch (SAXException | XmlRpcException | RuntimeException e) {
            throw new IOException("malformed response from the key server");
        }
    }

    private static final class FaultOnlyParser extends XmlRpcResponseParser {
        int code;
        String text = "(no fault text)";

        FaultOnlyParser(XmlRpcHttpRequestConfigImpl config) {
            super(config, new TypeFactoryImpl(new ConfigOnly(config)));
        }

        @Override
        protected void addResult(Object result) throws SAXException {
            if (isSuccess()) {
                super.addResult(result);
                return;
            }
            if (!(result instanceof Map<?, ?> fault)) {
                throw new SAXParseException("a fault must be a struct", getDocumentLocator());
            }
            code = fault.get("faultCode") instanceof Integer c ? c : 0;
            if (fault.get("faultString") instanceof String s) {
                text = printable(s);
            }
        }
    }

    /** The type factory asks its controller only for the config (time zone of dateTime values). */
    private static final class ConfigOnly extends XmlRpcController {
        private final XmlRpcHttpRequestConfigImpl config;

        ConfigOnly(XmlRpcHttpRequestConfigImpl config) {
            this.config = config;
        }

        @Override
        protected XmlRpcWorkerFactory getDefaultXmlRpcWorkerFactory() {
            return null; // called by the base constructor; a parser-only controller runs no workers
        }

        @Override
        public org.apache.xmlrpc.XmlRpcConfig getConfig() {
            return config;
        }
    }

    /** Server text goes to a terminal: no control characters, bounded length. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_FAULT_TEXT));
        for (int i = 0; i < s.length() && b.length() < MAX_FAULT_TEXT; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }
}
