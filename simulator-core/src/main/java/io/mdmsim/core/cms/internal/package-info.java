/**
 * BouncyCastle plumbing shared by {@code cms} and {@code scep} ({@code CmsSupport}: parse, sign, verify). Not for use
 * outside simulator-core (an architecture rule checks it).
 */
package io.mdmsim.core.cms.internal;
