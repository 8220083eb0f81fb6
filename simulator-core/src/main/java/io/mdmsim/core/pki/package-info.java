/**
 * The simulator's PKI: {@code SimPki} (root, fake Apple device CA, SCEP CA, TLS server identity; in memory or a PEM
 * directory), {@code CertificateAuthority}, {@code Identity}, {@code KeyPairs}, {@code Pem}, {@code Certificates},
 * {@code CertificateChains} (path validation with readable failures), {@code PkiException} and {@code Bc} (the
 * BouncyCastle provider, never registered globally). Uses {@code error} only; {@code cms} builds on it.
 */
package io.mdmsim.core.pki;
