/**
 * The reference MDM server (CONTRACT.md B, C; issue 4). Start it with {@link io.mdmsim.mdm.MdmServer#start}.
 *
 * <p>Shape (after nanomdm): thin HTTP adapters ({@code MdmHttp} for devices, {@code AdminApi} with
 * {@code CommandJson} for the admin API) over services that know nothing of HTTP — {@code EnrollmentService}
 * (MachineInfo, policy, enrollment profile), {@code ScepService} (CA or RA, PENDING fault mode), the
 * {@code MdmService} interface for check-in and command reports ({@code ReferenceMdmService}, wrapped by the
 * {@code CertAuthMdmService} decorator that binds identity certificates to enrollments and the
 * {@code EventingMdmService} decorator that records every request), {@code PushService} (APNs provider client),
 * {@code DeclarationStore} (declarative management) and {@code DepTokenService} with its {@code DepClient} for
 * Apple's DEP API. What happens is an {@code EventLog} of events, read by {@code GET /admin/events} and the
 * {@code Webhook}. State lives in memory: {@code DeviceRegistry} (one {@code DeviceRecord} and {@code CommandQueue}
 * per enrollment), {@code ChallengeStore}, {@code IdentityBindings}. Every time rule reads the configured
 * {@code SimClock}.
 */
package io.mdmsim.mdm;
