package io.mdmsim.scenarios.file;

import java.util.List;

/** A scenario file that cannot be run, with every problem found (each with FILE:LINE:COLUMN). */
public final class ScenarioException extends RuntimeException {

    private final List<Problem> problems;

    public ScenarioException(List<Problem> problems) {
        super(problems.isEmpty() ? "bad scenario" : String.join("\n", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public ScenarioException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}
