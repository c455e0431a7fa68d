package net.zcc.keyserver.rpc;

/**
 * Demo handler, served as {@code Health.*}: proves the endpoint is alive without touching the store.
 *
 * <p>Public with a no-argument constructor because {@code PropertyHandlerMapping} instantiates it
 * per request; only its public methods are callable.
 */
public class Health {

    /** Returns {@code "pong"}. */
    public String ping() {
        return "pong";
    }

    /** Returns its argument unchanged; the limits on request size keep it small. */
    public String echo(String text) {
        return text;
    }
}
