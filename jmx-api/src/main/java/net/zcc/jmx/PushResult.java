package net.zcc.jmx;

import java.util.List;
import javax.management.ConstructorParameters;

/** What an agent answers to {@link ServicesMXBean#push} (an MXBean composite type). */
public final class PushResult {
    private final boolean accepted;
    private final long revision;
    private final String message;
    private final List<String> problems;
    private final List<String> overriddenByLocal;

    @ConstructorParameters({"accepted", "revision", "message", "problems", "overriddenByLocal"})
    public PushResult(boolean accepted, long revision, String message, List<String> problems,
            List<String> overriddenByLocal) {
        this.accepted = accepted;
        this.revision = revision;
        this.message = message;
        this.problems = List.copyOf(problems);
        this.overriddenByLocal = List.copyOf(overriddenByLocal);
    }

    public boolean isAccepted() {
        return accepted;
    }

    /** The central revision in force after the push (the new one if accepted, else the old one). */
    public long getRevision() {
        return revision;
    }

    public String getMessage() {
        return message;
    }

    /** Why the set was refused, located as the file parser locates them; empty when accepted. */
    public List<String> getProblems() {
        return problems;
    }

    /** Central entries a local entry overrides ("host:port/type name"). */
    public List<String> getOverriddenByLocal() {
        return overriddenByLocal;
    }
}
