/**
 * HTTP adapters of the MDM: {@code MdmHttp} (enrollment, SCEP, check-in and command endpoints), {@code
 * MdmIdentityVerifier} (the device identity of a request: {@code Mdm-Signature} or TLS client certificate), {@code
 * CompanyPortalSignIn}, and the admin API ({@code AdminApi} with {@code DepAdminApi}, {@code EventsApi}, {@code
 * CommandJson}, {@code LifecycleApi}, {@code
 * PolicyAdminApi}). They read a request, call a service and render its answer; no MDM rule lives here.
 *
 * <p>May use the simulator-core HTTP kit and every other package of the part except the root; nothing but the root
 * uses this package.
 */
package io.mdmsim.mdm.http;
