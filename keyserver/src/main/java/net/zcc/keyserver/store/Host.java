package net.zcc.keyserver.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import net.zcc.contract.KeyId;

/** A host as the key server knows it: its key id, the addresses it owns, and its state. */
public record Host(KeyId keyId, List<InetAddress> addresses, HostState state,
                   Instant createdAt, Instant updatedAt) {

    /** Checks the fields and freezes the address list. */
    public Host {
        Objects.requireNonNull(keyId, "keyId");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
