package net.zcc.keyserver.rpc;

import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;

/**
 * A SAX filter in front of XML-RPC's request parser that refuses documents nested too deeply.
 *
 * <p>Why here: the check runs on the SAX event stream while it is parsed, before any value object
 * is built, so a hostile request costs at most {@code maxElementDepth} stack entries and is refused
 * at the first element past the limit. A custom {@code TypeFactory} would see only array and
 * struct parsers, not the element depth, and would have to copy XML-RPC's private parser classes.
 * Two counts are kept: {@code <value>} depth (the XML-RPC notion of nesting; an array level is
 * value/array/data/value) and raw element depth (anything else, including unknown elements).
 */
final class DepthLimitingHandler implements ContentHandler {

    private final ContentHandler next;
    private final int maxValueDepth;
    private final int maxElementDepth;
    private int valueDepth;
    private int elementDepth;

    DepthLimitingHandler(ContentHandler next, int maxValueDepth) {
        this.next = next;
        this.maxValueDepth = maxValueDepth;
        // methodCall/params/param plus per value level value/array/data (3), plus the scalar element.
        this.maxElementDepth = 3 + 3 * maxValueDepth + 1;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
        if (++elementDepth > maxElementDepth) {
            throw new SAXException("elements nested deeper than " + maxElementDepth);
        }
        if ("value".equals(localName) && ++valueDepth > maxValueDepth) {
            throw new SAXException("values nested deeper than " + maxValueDepth);
        }
        next.startElement(uri, localName, qName, atts);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
        elementDepth--;
        if ("value".equals(localName)) {
            valueDepth--;
        }
        next.endElement(uri, localName, qName);
    }

    @Override public void setDocumentLocator(Locator locator) { next.setDocumentLocator(locator); }
    @Override public void startDocument() throws SAXException { next.startDocument(); }
    @Override public void endDocument() throws SAXException { next.endDocument(); }
    @Override public void startPrefixMapping(String prefix, String uri) throws SAXException {
        next.startPrefixMapping(prefix, uri);
    }
    @Override public void endPrefixMapping(String prefix) throws SAXException { next.endPrefixMapping(prefix); }
    @Override public void characters(char[] ch, int start, int length) throws SAXException {
        next.characters(ch, start, length);
    }
    @Override public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
        next.ignorableWhitespace(ch, start, length);
    }
    @Override public void processingInstruction(String target, String data) throws SAXException {
        next.processingInstruction(target, data);
    }
    @Override public void skippedEntity(String name) throws SAXException { next.skippedEntity(name); }
}
