/**
 * The base of the exceptions that mean "the input was malformed": {@code MalformedInputException}. Uses nothing; every
 * package may use it.
 */
package io.mdmsim.core.error;
