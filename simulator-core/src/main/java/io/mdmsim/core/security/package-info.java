/**
 * What keeps the simulator's servers from being steered by someone else on the machine: secrets drawn from a secure
 * random source ({@link io.mdmsim.core.security.Secrets}), the admin bearer token of each part and the checks every
 * admin request passes ({@link io.mdmsim.core.security.AdminAccess}), and private files for keys and state
 * ({@link io.mdmsim.core.security.PrivateFiles}).
 */
package io.mdmsim.core.security;
