package net.zcc.contract.xml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import javax.xml.parsers.SAXParserFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/** Every DOCTYPE path closed, and errors thrown rather than printed. */
class HardenedSaxTest {

    @Test
    void factoryHasEveryDoctypePathClosed() throws Exception {
        SAXParserFactory f = HardenedSax.newFactory();
        assertTrue(f.getFeature(HardenedSax.DISALLOW_DOCTYPE));
        assertTrue(!f.getFeature(HardenedSax.EXTERNAL_GENERAL) && !f.getFeature(HardenedSax.EXTERNAL_PARAMETER));
        assertTrue(!f.getFeature(HardenedSax.LOAD_EXTERNAL_DTD) && !f.isXIncludeAware() && f.isNamespaceAware());
    }

    @Test
    void aReaderRefusesAnyDoctypeAndThrowsOnErrors() throws Exception {
        XMLReader reader = HardenedSax.newReader();
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assertThrows(SAXParseException.class, () -> reader.parse(new InputSource(new StringReader(xxe))));
        XMLReader again = HardenedSax.newReader();
        assertThrows(SAXParseException.class, () -> again.parse(new InputSource(new StringReader("<r><unclosed></r>"))));
    }
}
