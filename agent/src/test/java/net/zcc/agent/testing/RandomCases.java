package net.zcc.agent.testing;

import java.util.Random;
import java.util.function.Function;

/**
 * Generated test cases from a printed seed: the property tests' runner (the attacker harness, key
 * agreement). Case i gets its own {@link Random} seeded from the run's seed and i, so a failure
 * names the one case to replay, with {@code -Dzcc.seed=SEED -Dzcc.case=I}. {@code -Dzcc.cases=N}
 * changes how many run. A plain runner on JUnit rather than a property library: the inputs are
 * printed on failure, and none of the generators here needs shrinking to be read.
 */
public final class RandomCases {
    private RandomCases() {
    }

    /** One case's failure, with what reproduces it. */
    public static final class CaseFailure extends AssertionError {
        CaseFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs {@code defaultCount} cases (unless overridden), each generating its input from its own
     * random source and checking it; stops at the first failure.
     *
     * @param name what is being checked, for the printed lines
     * @param generate builds one case's input from its random source
     * @param check throws (an AssertionError) if the input breaks the property
     * @return the number of cases run
     */
    public static <T> int run(String name, int defaultCount, Function<Random, T> generate, java.util.function.Consumer<T> check) {
        long seed = Long.getLong("zcc.seed", new Random().nextLong());
        int count = Integer.getInteger("zcc.cases", defaultCount);
        Integer only = Integer.getInteger("zcc.case");
        System.out.println(name + ": " + count + " cases, seed " + seed + " (replay: -Dzcc.seed=" + seed + ")");
        int ran = 0;
        for (int i = only != null ? only : 0; i < (only != null ? only + 1 : count); i++) {
            T input = generate.apply(new Random(seed * 1_000_003L + i));
            try {
                check.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new CaseFailure(name + ": case " + i + " of seed " + seed + " failed (replay: -Dzcc.seed=" + seed
                        + " -Dzcc.case=" + i + ")\ninput: " + input + "\n" + e.getMessage(), e);
            }
            ran++;
        }
        return ran;
    }
}
