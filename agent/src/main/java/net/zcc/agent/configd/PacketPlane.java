package net.zcc.agent.configd;

import java.io.IOException;

/**
 * The packet processor as the daemon sees it: bound queues with worker threads. The daemon starts
 * it before it installs any rule (so a protected packet always finds a listener) and stops it last.
 */
public interface PacketPlane extends AutoCloseable {
    /** Binds the queues and starts the workers; throws if a queue cannot be bound. */
    void start() throws IOException;

    /**
     * Hands the data plane the services now in force. Called after the kernel accepted the new
     * rules; packets of connections already open keep the service they started with.
     */
    default void apply(net.zcc.servicefile.ServiceFile services) {
    }

    /**
     * Called once the first configuration is in force, with the reloader that holds it: the
     * management side reads the effective services from it and pushes central sets through it.
     */
    default void manage(Reloader reloader) {
    }

    /** One line for the log: packets seen, accepted, dropped and why. */
    String describe();

    /** Stops the workers and unbinds; protected traffic then stops (fail closed). */
    @Override
    void close();
}
