package net.zcc.servicefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The parsed service file: an ordered list of services with unique names and unique keys. */
public record ServiceFile(List<Service> services) {

    public ServiceFile {
        services = List.copyOf(services);
    }

    public static ServiceFile empty() {
        return new ServiceFile(List.of());
    }

    public Optional<Service> byName(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The services that are switched on ({@code encrypt="true"}). */
    public List<Service> enabled() {
        return services.stream().filter(Service::encrypt).toList();
    }

    /** A copy with {@code s} appended. The caller validates the result. */
    public ServiceFile with(Service s) {
        List<Service> l = new ArrayList<>(services);
        l.add(s);
        return new ServiceFile(l);
    }

    /** A copy with the service called {@code name} replaced by {@code s}. */
    public ServiceFile replace(String name, Service s) {
        return new ServiceFile(services.stream().map(x -> x.name().equals(name) ? s : x).toList());
    }

    /** A copy without the service called {@code name}. */
    public ServiceFile without(String name) {
        return new ServiceFile(services.stream().filter(x -> !x.name().equals(name)).toList());
    }
}
