/**
 * JMH microbenchmarks of the hot paths, one class per path: plist decode and encode, the Mdm-Signature, SCEP
 * PKIOperation, MachineInfo verification, the enrollment profile, DEP pages. Each drives the project's own code (the
 * MDM's services where the path is the MDM's), never a copy of it. Run {@code java -jar benchmarks/target/benchmarks.jar}
 * (BENCHMARKS.md); {@code ./build verify} compiles them.
 */
package io.mdmsim.benchmarks;
