/**
 * The RSA private-key primitive the simulator's PKI and CMS are built on: PKCS#1 v1.5 signatures over a digest and
 * PKCS#1 v1.5 decryption (CMS key transport), by an {@link io.mdmsim.core.crypto.RsaEngine} — the JDK's own RSA, or
 * OpenSSL's libcrypto through the foreign-function API on Java 22+ ({@link io.mdmsim.core.crypto.RsaEngines} picks
 * one). The structures around the primitive (CMS, PKCS#10, X.509) stay BouncyCastle's:
 * {@link io.mdmsim.core.crypto.RsaContentSigner} is a BouncyCastle {@code ContentSigner} backed by the engine. Uses
 * nothing of the project's other packages.
 */
package io.mdmsim.core.crypto;
