package io.mdmsim.scenarios.e2e;

import static java.util.Objects.requireNonNull;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that owns the {@link E2eWorld} of the running test (Armeria's {@code ServerExtension} style): the
 * test starts the world it needs with {@link #start}, and the extension closes it after the test, whether it passed or
 * not, after the test class's own {@code @AfterEach} methods. Register it as an instance field:
 * <pre>
 * &#64;RegisterExtension
 * final E2eWorldExtension worlds = new E2eWorldExtension();
 * ...
 * E2eWorld world = worlds.start(new E2eWorld(3));
 * </pre>
 */
final class E2eWorldExtension implements AfterEachCallback {

    private E2eWorld world;

    /** Makes {@code started} the test's world (closing one started before in the same test) and returns it. */
    E2eWorld start(E2eWorld started) {
        requireNonNull(started, "started");
        close();
        world = started;
        return started;
    }

    /** The test's world; fails when the test has not started one. */
    E2eWorld get() {
        if (world == null) {
            throw new IllegalStateException("no E2eWorld started in this test (expected: worlds.start(new E2eWorld(...)))");
        }
        return world;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void close() {
        if (world != null) {
            E2eWorld w = world;
            world = null;
            w.close();
        }
    }
}
