/**
 * {@code mdmsim bench}: named benchmarks that start the parts (in this JVM or, with {@code --split}, as processes of
 * their own), drive them over the wire, and report throughput, latency per stage (HdrHistogram), CPU seconds per
 * operation for each part, heap, RSS, the JVM, GC and machine, as one table on the console and as JSON. Nothing here
 * asserts on time; the figures are for BENCHMARKS.md.
 */
package io.mdmsim.scenarios.bench;
