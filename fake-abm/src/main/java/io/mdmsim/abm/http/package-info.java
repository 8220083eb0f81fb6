/**
 * Thin HTTP adapters of the fake ABM: {@code DepHandlers} (DEP API, Apple's error bodies), {@code AdminHandlers}
 * (admin API, settings, faults, cloud configuration) and {@code ApnsHandlers} (provider API, device side, admin
 * routes). They read a request, call a service and write its answer.
 *
 * <p>May use the simulator-core HTTP kit and every other package of the part except the root; nothing but the root
 * uses this package.
 */
package io.mdmsim.abm.http;
