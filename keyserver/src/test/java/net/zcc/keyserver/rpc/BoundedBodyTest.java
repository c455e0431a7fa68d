package net.zcc.keyserver.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import javax.xml.parsers.SAXParserFactory;
import org.junit.jupiter.api.Test;

/** The byte limit and the parser hardening, without sockets. */
class BoundedBodyTest {

    @Test
    void exactlyTheLimitIsAccepted() throws Exception {
        byte[] body = new byte[100];
        assertArrayEquals(body, BoundedBody.read(new ByteArrayInputStream(body), 100));
    }

    @Test
    void oneByteMoreIsRefused() {
        InputStream in = new ByteArrayInputStream(new byte[101]);
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(in, 100));
    }

    @Test
    void factoryHasEveryDoctypePathClosed() throws Exception {
        SAXParserFactory f = SafeSaxParsers.newFactory();
        assertTrue(f.getFeature(SafeSaxParsers.DISALLOW_DOCTYPE));
        assertTrue(!f.getFeature(SafeSaxParsers.EXTERNAL_GENERAL) && !f.getFeature(SafeSaxParsers.EXTERNAL_PARAMETER));
        assertTrue(!f.getFeature(SafeSaxParsers.LOAD_EXTERNAL_DTD) && !f.isXIncludeAware() && f.isNamespaceAware());
    }
}
