/**
 * Property lists: {@code Plist} reads XML and binary plists (over dd-plist) and writes XML or binary, with
 * {@code XmlPlist} (safe XML parsing with a pool of parsers; text XML cannot carry), {@code PlistExpansion} (the
 * limits a parsed plist must stay within) and {@code JavaValues} (Java values to plists and back);
 * {@code PlistException} keeps the raw bytes of what could not be read. Uses {@code error} only.
 */
package io.mdmsim.core.plist;
