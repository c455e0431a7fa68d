package net.zcc.servicefile;

import java.util.List;
import java.util.stream.Collectors;

/** A service file that cannot be used, with every problem found (not only the first). */
public final class ServiceFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public ServiceFileException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
