package net.zcc.jmx;

import java.util.List;

/**
 * The agent's service configuration ({@code zcc:type=Services}): the central set the console
 * pushed, the local file, and the effective merge of the two (DESIGN.md 7: a local entry for the
 * same host, port and type wins).
 */
public interface ServicesMXBean {
    String OBJECT_NAME = "zcc:type=Services";

    /** What the data plane runs now, each entry with where it came from. */
    List<ServiceEntry> getEffectiveServices();

    /** Revision of the central set in force; 0 when none was ever pushed. */
    long getCentralRevision();

    /** The outcome of the last reload (SIGHUP, push or start). */
    ReloadResult getLastReload();

    /**
     * Replaces the central service set (issue 12): parsed and validated with the service file's
     * own parser, merged with the local file, applied atomically through the same path as
     * SIGHUP, and kept on disk. A revision not above {@link #getCentralRevision()} is refused,
     * and a refused set changes nothing.
     *
     * @param revision strictly greater than the current central revision
     * @param servicesXml a service file document (the same schema as the local file)
     */
    PushResult push(long revision, String servicesXml);
}
