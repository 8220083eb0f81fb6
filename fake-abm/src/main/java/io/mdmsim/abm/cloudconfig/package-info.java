/**
 * {@code CloudConfigService}: the cloud configuration an activating device fetches with a request signed by its
 * Apple-issued identity.
 *
 * <p>May use {@code state}, {@code inventory} and simulator-core.
 */
package io.mdmsim.abm.cloudconfig;
