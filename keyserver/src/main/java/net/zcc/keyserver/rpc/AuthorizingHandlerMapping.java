package net.zcc.keyserver.rpc;

import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcHandler;
import org.apache.xmlrpc.server.XmlRpcHandlerMapping;

/**
 * Wraps a handler mapping so that a method the {@link MethodPolicy} does not make anonymous runs
 * only for a caller with a verified client certificate (checked by the servlet before parsing).
 */
final class AuthorizingHandlerMapping implements XmlRpcHandlerMapping {

    private final XmlRpcHandlerMapping delegate;
    private final MethodPolicy policy;

    AuthorizingHandlerMapping(XmlRpcHandlerMapping delegate, MethodPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    public XmlRpcHandler getHandler(String method) throws XmlRpcException {
        XmlRpcHandler handler = delegate.getHandler(method);
        if (policy.isAnonymous(method)) {
            return handler;
        }
        return request -> {
            if (CallerRequestConfig.callerOf(request).isEmpty()) {
                throw new XmlRpcException(RpcFault.CLIENT_CERTIFICATE_REQUIRED.code(),
                        RpcFault.CLIENT_CERTIFICATE_REQUIRED.text());
            }
            return handler.execute(request);
        };
    }
}
