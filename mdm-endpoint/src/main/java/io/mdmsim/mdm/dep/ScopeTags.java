package io.mdmsim.mdm.dep;

import io.mdmsim.mdm.model.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scope tags of an enrollment program token (2020 page: "Scope tags applied to a token will be inherited by
 * profiles and devices added to this token"; 2023 page: a renewal's "Scope tags page"). Given as a comma-separated
 * list; each tag 1 to {@value #MAX_LENGTH} characters of letters, digits, space, '-', '_' or '.'; at most
 * {@value #MAX_TAGS} tags; duplicates are kept once.
 */
public final class ScopeTags {

    public static final int MAX_TAGS = 100;
    public static final int MAX_LENGTH = 128;
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9 _.-]{1," + MAX_LENGTH + "}");

    private ScopeTags() {
    }

    /** The tags of a comma-separated list ("" is none); a bad one is a {@link BadInputException} naming it. */
    public static List<String> parse(String csv) {
        Set<String> out = new LinkedHashSet<>();
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        for (String raw : csv.split(",", -1)) {
            String tag = raw.strip();
            if (!TAG.matcher(tag).matches()) {
                throw new BadInputException("scopeTags: \"" + (tag.length() > 40 ? tag.substring(0, 40) + "…" : tag)
                        + "\" (expected: comma-separated names of 1 to " + MAX_LENGTH + " letters, digits, spaces,"
                        + " '-', '_' or '.')");
            }
            out.add(tag);
        }
        if (out.size() > MAX_TAGS) {
            throw new BadInputException("scopeTags: " + out.size() + " tags (expected: at most " + MAX_TAGS + ")");
        }
        return List.copyOf(new ArrayList<>(out));
    }
}
