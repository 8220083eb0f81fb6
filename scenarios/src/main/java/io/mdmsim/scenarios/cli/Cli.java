package io.mdmsim.scenarios.cli;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every command uses to follow {@link CliFailure}'s rule: input files read with a one-line error naming the
 * option (exit 2), a configuration built from options whose refusal names the option rather than a Java field (exit
 * 2), URLs checked as http(s) URLs (a converter {@link Main} registers for every {@code URI} option).
 */
public final class Cli {

    /** "fieldName: ..." or "a + b: ..." at the start of a message. */
    private static final Pattern LEADING_NAMES =
            Pattern.compile("^([A-Za-z][A-Za-z0-9]*(?: \\+ [A-Za-z][A-Za-z0-9]*)*):");

    /** A camelCase Java name inside a message ("... without minimumOsVersion ..."). */
    private static final Pattern CAMEL_CASE = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z0-9]*\\b");

    private Cli() {}

    /** The bytes of an input file, or bad usage (exit 2): "--p7m: cannot read x.p7m (no such file)". */
    public static byte[] readInput(CommandSpec spec, String option, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), CliFailure.unreadable(option, file, e));
        }
    }

    /** An input file as UTF-8 text, or bad usage (exit 2) as {@link #readInput}. */
    public static String readInputText(CommandSpec spec, String option, Path file) {
        return new String(readInput(spec, option, file), StandardCharsets.UTF_8);
    }

    /**
     * Builds a configuration from options: an {@code IllegalArgumentException} of the builder ("minimumOsVersion: x
     * (expected: ...)") becomes bad usage (exit 2) that names the option ({@link #optionNames}).
     */
    public static <T> T build(CommandSpec spec, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), optionNames(spec, e.getMessage()));
        }
    }

    /**
     * The message with the Java names it starts with ("apnsUrl: ...", "dropRate + resetRate: ...") replaced by the
     * options of {@code spec} whose field has that name ("--apns-url: ..."). Options name their fields after the
     * configuration's components so that this finds them.
     */
    public static String optionNames(CommandSpec spec, String message) {
        if (message == null || spec == null) {
            return message;
        }
        Matcher m = LEADING_NAMES.matcher(message);
        if (m.find()) {
            StringBuilder names = new StringBuilder();
            for (String name : m.group(1).split(" \\+ ")) {
                String option = optionOfField(spec, name);
                names.append(names.isEmpty() ? "" : " + ").append(option != null ? option : name);
            }
            message = names + message.substring(m.end(1));
        }
        return CAMEL_CASE.matcher(message).replaceAll(r -> {
            String option = optionOfField(spec, r.group());
            return Matcher.quoteReplacement(option != null ? option : r.group());
        });
    }

    private static String optionOfField(CommandSpec spec, String field) {
        for (OptionSpec o : spec.options()) {
            if (o.userObject() instanceof Field f && f.getName().equals(field)) {
                return o.longestName();
            }
        }
        return null;
    }

    /** Whether the user gave {@code option} on the command line (rather than its default applying). */
    public static boolean given(CommandSpec spec, String option) {
        CommandLine.ParseResult r = spec.commandLine().getParseResult();
        return r != null && r.hasMatchedOption(option);
    }

    /** Bad usage (exit 2) when {@code dependent} was given without {@code needed}: "--https-port needs --https". */
    public static void requireWith(CommandSpec spec, String dependent, boolean neededPresent, String needed) {
        if (given(spec, dependent) && !neededPresent) {
            throw new CommandLine.ParameterException(spec.commandLine(), dependent + " needs " + needed);
        }
    }

    /** Every {@code URI} option: an absolute http or https URL with a host, e.g. http://127.0.0.1:8400. */
    static final class HttpUrlConverter implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI u = new URI(value.strip());
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                    return u;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an http or https URL (expected: e.g."
                    + " http://127.0.0.1:8400)");
        }

        /** For an option typed String that holds a URL or a keyword: bad usage naming the option. */
        URI convert(CommandLine cl, String option, String value) {
            try {
                return convert(value);
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(cl, "Invalid value for option '" + option + "': "
                        + e.getMessage());
            }
        }
    }
}
