package io.mdmsim.scenarios.e2e;

import org.junit.jupiter.api.AfterEach;

/** An end-to-end test class on an {@link E2eWorld}: the test (or its setup) starts it, and it is closed after each test. */
abstract class E2eWorldTest {

    /** The servers of the running test; null until the test starts them. */
    E2eWorld world;

    /** Runs after the subclass's own {@code @AfterEach} methods (JUnit runs a superclass's last). */
    @AfterEach
    final void closeWorld() {
        if (world != null) {
            world.close();
            world = null;
        }
    }
}
