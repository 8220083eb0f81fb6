/**
 * The reference MDM server (CONTRACT.md B "mdm-endpoint"). Start it with {@link io.mdmsim.mdm.MdmServer#start}.
 *
 * <p>Shape (after nanomdm): thin HTTP adapters ({@code MdmHttp}, {@code AdminApi}) over services that know nothing of
 * HTTP — {@code EnrollmentService} (MachineInfo, enrollment profile), {@code ScepService}, the {@code MdmService}
 * interface for check-in and command reports ({@code ReferenceMdmService}, wrapped by the {@code CertAuthMdmService}
 * decorator that binds identity certificates to enrollments), and {@code DepTokenService} with its {@code DepClient}
 * for Apple's DEP API. State lives in memory: {@code DeviceRegistry} (one {@code DeviceRecord} and
 * {@code CommandQueue} per enrollment), {@code ChallengeStore}, {@code IdentityBindings}. Every time rule reads the
 * configured {@code SimClock}.
 */
package io.mdmsim.mdm;
