package io.mdmsim.device;

/** One shared key pool for tests: RSA generation dominates a device's run, and tests need not pay for it each time. */
final class TestKeys {
    static final KeySource SHARED = KeySource.reusing(2);

    private TestKeys() {
    }
}
