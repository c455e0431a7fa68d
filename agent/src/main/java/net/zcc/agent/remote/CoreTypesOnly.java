package net.zcc.agent.remote;

import java.util.Set;
import org.apache.ws.commons.util.NamespaceContextImpl;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.common.XmlRpcController;
import org.apache.xmlrpc.common.XmlRpcStreamConfig;
import org.apache.xmlrpc.parser.TypeParser;

/**
 * Parses the value types of the XML-RPC specification and nothing else. Every {@code ex:}
 * extension type (above all {@code ex:serializable}, which is Java deserialisation) and every
 * unknown tag gets no parser, so the library fails the response with a parse error. Stricter than
 * {@code enabledForExtensions=false}, which we also set: this does not depend on a flag being right.
 */
final class CoreTypesOnly extends TypeFactoryImpl {

    private static final Set<String> CORE = Set.of("i4", "int", "boolean", "string", "double",
            "dateTime.iso8601", "base64", "struct", "array");

    CoreTypesOnly(XmlRpcController controller) {
        super(controller);
    }

    @Override
    public TypeParser getParser(XmlRpcStreamConfig config, NamespaceContextImpl context, String uri, String localName) {
        if (!"".equals(uri) || !CORE.contains(localName)) {
            return null;
        }
        return super.getParser(config, context, uri, localName);
    }
}
