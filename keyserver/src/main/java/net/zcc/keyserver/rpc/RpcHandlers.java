package net.zcc.keyserver.rpc;

import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.server.PropertyHandlerMapping;

/**
 * Registers the XML-RPC methods one part of the key server offers (health, lookup, enrollment, relay).
 *
 * <p>Why an interface: each part registers its own handlers, so {@link RpcServer} does not depend
 * on the store or the relay.
 */
@FunctionalInterface
public interface RpcHandlers {

    /** The demo {@link Health} handler under the name {@code Health}. */
    RpcHandlers HEALTH = mapping -> mapping.addHandler("Health", Health.class);

    /**
     * Adds this part's handlers to the mapping.
     *
     * @throws XmlRpcException if a handler class cannot be registered
     */
    void register(PropertyHandlerMapping mapping) throws XmlRpcException;
}
