/**
 * Secrets drawn from a secure random source ({@link io.mdmsim.core.security.Secrets}: challenges, tokens, nonces,
 * never from a scenario seed) and private files for keys, tokens and state ({@link
 * io.mdmsim.core.security.PrivateFiles}: directories 0700, files 0600). Depends on nothing else of the project.
 */
package io.mdmsim.core.security;
