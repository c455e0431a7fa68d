package net.zcc.keyserver.admin;

/**
 * Writes an XML-RPC {@code methodCall} with the only parameter types the admin calls need
 * (string, int), by hand: nothing the library's extension types could turn into, and no
 * request-side serialiser to configure.
 */
final class RequestXml {

    private RequestXml() { }

    /**
     * The request document.
     *
     * @throws IllegalArgumentException for a parameter that is neither String nor Integer, or a
     *     string holding a character XML 1.0 cannot carry
     */
    static String methodCall(String method, Object... params) {
        StringBuilder b = new StringBuilder(256);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodCall><methodName>");
        escape(b, method);
        b.append("</methodName><params>");
        for (Object p : params) {
            b.append("<param><value>");
            if (p instanceof String s) {
                b.append("<string>");
                escape(b, s);
                b.append("</string>");
            } else if (p instanceof Integer i) {
                b.append("<i4>").append(i).append("</i4>");
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + (p == null ? "null" : p.getClass()));
            }
            b.append("</value></param>");
        }
        return b.append("</params></methodCall>").toString();
    }

    private static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        throw new IllegalArgumentException("control character in a parameter");
                    }
                    b.append(c);
                }
            }
        }
    }
}
