package net.zcc.jmx;

import java.util.List;
import javax.management.ConstructorParameters;

/** The outcome of one reload (an MXBean composite type). */
public final class ReloadResult {
    private final boolean applied;
    private final long timeEpochMillis;
    private final String trigger;
    private final String message;
    private final List<String> problems;

    @ConstructorParameters({"applied", "timeEpochMillis", "trigger", "message", "problems"})
    public ReloadResult(boolean applied, long timeEpochMillis, String trigger, String message, List<String> problems) {
        this.applied = applied;
        this.timeEpochMillis = timeEpochMillis;
        this.trigger = trigger;
        this.message = message;
        this.problems = List.copyOf(problems);
    }

    public boolean isApplied() {
        return applied;
    }

    public long getTimeEpochMillis() {
        return timeEpochMillis;
    }

    /** "start", "sighup" or "push". */
    public String getTrigger() {
        return trigger;
    }

    public String getMessage() {
        return message;
    }

    /** The parser's located, plain-word problems ("file:line:column: ..."), empty when applied. */
    public List<String> getProblems() {
        return problems;
    }
}
