package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

/**
 * A place in a scenario file: the file as the user named it, and a 1-based line and column ({@code 0:0} when the
 * place is the file as a whole).
 */
public record Where(String file, int line, int column) {

    public Where {
        requireNonNull(file, "file");
    }

    /** The file as a whole. */
    public static Where file(String file) {
        return new Where(file, 0, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
