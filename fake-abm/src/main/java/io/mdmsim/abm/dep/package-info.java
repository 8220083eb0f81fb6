/**
 * Apple's Device Assignment (DEP) web API without HTTP: {@code DepService} (account, fetch and sync, devices,
 * profiles, assignment), {@code DepAuth} (OAuth 1.0a and auth sessions), {@code DepCursor} and {@code CursorCodec}
 * (opaque, MAC-checked cursors), {@code RateLimiter} (token bucket on the simulated clock), {@code SkipKeys} and
 * {@code DepException} (Apple's status and error code).
 *
 * <p>May use {@code state}, {@code inventory}, {@code settings} and simulator-core.
 */
package io.mdmsim.abm.dep;
