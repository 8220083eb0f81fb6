/**
 * Property lists: {@code Plist} reads XML and binary plists (over dd-plist) and writes XML or
 * binary; {@code PlistException} keeps the raw bytes of what could not be read. Uses {@code error} only.
 */
package io.mdmsim.core.plist;
