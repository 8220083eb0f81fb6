/**
 * The fake Apple side: {@link io.mdmsim.abm.FakeAbmServer#start} with a {@link io.mdmsim.abm.FakeAbmConfig} (and its
 * {@link io.mdmsim.abm.ApnsConfig}) serves the DEP API, the cloud configuration and the ABM admin API on one
 * listener and the fake APNs on a second one; {@code AbmApp} wires the parts. These are the public API; everything
 * else is reached over HTTP.
 *
 * <p>Layout: {@code http} (thin adapters), {@code dep} (the DEP API without HTTP), {@code admin} (what an ABM
 * administrator does), {@code cloudconfig} (what an activating device fetches), {@code apns} (the fake APNs),
 * {@code settings} (run-time settings and injected faults), {@code state} (what ABM knows), {@code inventory} (the
 * devices as compact columns and their seeded generator), {@code store} (persistence under {@code --data-dir}).
 * This package may use every package of the part.
 */
package io.mdmsim.abm;
