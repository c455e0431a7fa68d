package net.zcc.keyserver.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;
import net.zcc.contract.KeyId;
import net.zcc.contract.pem.Pem;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;

/** Argument parsing and fault making shared by the handlers. Fault texts never echo secrets. */
final class ApiFaults {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_TLS_KEY_BYTES = 1024;

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
        if (!(value instanceof String text)
                || !(IPV4.matcher(text).matches() || (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()))) {
            throw fault(RpcFault.BAD_ARGUMENT, "an address is an IPv4 or IPv6 literal");
        }
        try {
            return InetAddress.getByName(text); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw fault(RpcFault.BAD_ARGUMENT, "an address is an IPv4 or IPv6 literal");
        }
    }

    /** An EC (P-256) public key in X.509 SubjectPublicKeyInfo form, base64. */
    static PublicKey tlsPublicKey(String base64) throws XmlRpcException {
        byte[] der = base64(base64, "the TLS public key");
        if (der.length == 0 || der.length > MAX_TLS_KEY_BYTES) {
            throw fault(RpcFault.BAD_ARGUMENT, "the TLS public key must be an EC public key (X.509 SubjectPublicKeyInfo, base64)");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw fault(RpcFault.BAD_ARGUMENT, "the TLS public key must be an EC public key (X.509 SubjectPublicKeyInfo, base64)");
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
