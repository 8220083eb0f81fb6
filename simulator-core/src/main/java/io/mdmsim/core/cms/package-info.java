/**
 * CMS/PKCS#7: {@code Cms} (detached and attached SignedData, EnvelopedData with DES, 3DES and AES, certs-only), {@code
 * SmimeP7m} (the S/MIME server token), {@code SignedContent}, {@code DigestAlgorithm}, {@code ContentCipher}, {@code
 * CmsException}. Its {@code internal} package holds BouncyCastle plumbing for this package and {@code scep}. Uses
 * {@code pki} and {@code error}.
 */
package io.mdmsim.core.cms;
