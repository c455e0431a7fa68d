package net.zcc.keyserver.api;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import net.zcc.contract.KeyId;
import net.zcc.contract.net.IpLiteral;
import net.zcc.contract.pem.Pem;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;

/** Argument parsing and fault making shared by the handlers. Fault texts never echo secrets. */
final class ApiFaults {

    private static final int MAX_TLS_KEY_BYTES = 1024;
    private static final String NOT_AN_EC_KEY =
            "the TLS public key must be an EC public key (X.509 SubjectPublicKeyInfo, base64)";

    private ApiFaults() { }

    /** {@code fault} with its default text. */
    static XmlRpcException fault(RpcFault fault) {
        return fault(fault, fault.text());
    }

    /** {@code fault}'s code with a text that says more than the default. */
    static XmlRpcException fault(RpcFault fault, String text) {
        return new XmlRpcException(fault.code(), text);
    }

    static byte[] base64(String text, String what) throws XmlRpcException {
        if (text == null || text.length() > 4096) {
            throw fault(RpcFault.BAD_ARGUMENT, what + " must be base64");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw fault(RpcFault.BAD_ARGUMENT, what + " must be base64");
        }
    }

    static KeyId keyId(String hex) throws XmlRpcException {
        try {
            return new KeyId(hex);
        } catch (IllegalArgumentException e) {
            throw fault(RpcFault.BAD_ARGUMENT, "a key id is 32 lower-case hex digits");
        }
    }

    /** Parses an IP literal without ever resolving a name. */
    static InetAddress address(Object value) throws XmlRpcException {
        try {
            if (value instanceof String text) {
                return IpLiteral.parse(text);
            }
        } catch (IllegalArgumentException e) {
            // the same fault as for a value that is no string at all
        }
        throw fault(RpcFault.BAD_ARGUMENT, "an address is an IPv4 or IPv6 literal");
    }

    /** An EC (P-256) public key in X.509 SubjectPublicKeyInfo form, base64. */
    static PublicKey tlsPublicKey(String base64) throws XmlRpcException {
        byte[] der = base64(base64, "the TLS public key");
        if (der.length == 0 || der.length > MAX_TLS_KEY_BYTES) {
            throw fault(RpcFault.BAD_ARGUMENT, NOT_AN_EC_KEY);
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw fault(RpcFault.BAD_ARGUMENT, NOT_AN_EC_KEY);
        }
    }

    static String pem(X509Certificate cert) throws XmlRpcException {
        try {
            return new String(Pem.certificate(cert), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw fault(RpcFault.SERVER_ERROR, "cannot encode the certificate");
        }
    }
}
