/**
 * The reference MDM server: {@link io.mdmsim.mdm.MdmServer#start} with an {@link io.mdmsim.mdm.MdmConfig} wires
 * the packages below and starts the listeners. Only these two classes are the part's public API; everything
 * else is reached over HTTP.
 *
 * <p>Layout (after nanomdm: protocol, service, storage and HTTP adapters apart):
 * <ul>
 * <li>{@code http}: thin adapters, device endpoints and the admin API;</li>
 * <li>{@code service}: the {@code MdmService} interface and its decorators (certificate auth, eventing, policy);</li>
 * <li>{@code reference}: the reference MDM behaviour (setup flow, Company Portal, lifecycle);</li>
 * <li>{@code enroll}: MachineInfo and over-the-air enrollment, SCEP, challenges, identity bindings;</li>
 * <li>{@code device} and {@code queue}: enrollments and their command queues;</li>
 * <li>{@code dep}: Apple's DEP API client and the token service; {@code push}: APNs provider client;</li>
 * <li>{@code policy}: enrollment policy, licences, VPP; {@code management}: the seeds' enrollment profile;</li>
 * <li>{@code declarative}: declarations; {@code events}: the event log and webhook;</li>
 * <li>{@code model}: small value types shared by all of them;</li>
 * <li>{@code store} (reserved): the storage layer behind {@code --data-dir}.</li>
 * </ul>
 * Every time rule reads the configured {@code SimClock}. This package may use every package of the part.
 */
package io.mdmsim.mdm;
