/**
 * Apple's Device Assignment (DEP) API as types, shared by the fake ABM and the MDM: the JSON models of
 * apple-device-services ({@code DepDevice}, {@code DepProfile}, requests and responses), {@code ProfileRules} (what a
 * profile must satisfy), {@code ServerToken} (the .p7m), {@code OAuth1} (HMAC-SHA1) and {@code DepException}. Uses
 * {@code catalog}, {@code cms}, {@code pki}, {@code http} (status mapping) and {@code error}.
 */
package io.mdmsim.core.dep;
