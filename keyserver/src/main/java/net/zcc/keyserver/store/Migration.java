package net.zcc.keyserver.store;

import java.util.List;

/**
 * One schema step: the SQL that takes the database from {@code version - 1} to
 * {@code version}. All statements run in one transaction with the version row, so a step
 * is either fully applied or not at all.
 */
record Migration(int version, List<String> statements) {
    Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1");
        }
        statements = List.copyOf(statements);
    }
}
