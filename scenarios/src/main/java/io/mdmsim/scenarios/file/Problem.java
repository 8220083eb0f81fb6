package io.mdmsim.scenarios.file;

import static java.util.Objects.requireNonNull;

import io.mdmsim.scenarios.model.Where;

/**
 * One thing wrong with a scenario file: where, and what was wrong with what was expected, e.g.
 * {@code load.yaml:12:5: clock: 'fast' (expected: wall, manual or xN ...)}.
 */
public record Problem(Where where, String message) implements Comparable<Problem> {

    public Problem {
        requireNonNull(where, "where");
        requireNonNull(message, "message");
    }

    @Override
    public int compareTo(Problem o) {
        int c = Integer.compare(where.line(), o.where.line());
        return c != 0 ? c : Integer.compare(where.column(), o.where.column());
    }

    @Override
    public String toString() {
        return where + ": " + message;
    }
}
