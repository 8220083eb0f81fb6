package io.mdmsim.abm.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.abm.FakeAbmConfig;
import io.mdmsim.abm.dep.DepService;
import io.mdmsim.abm.inventory.InventoryDevice;
import io.mdmsim.abm.inventory.InventoryGenerator;
import io.mdmsim.abm.state.AbmState;
import io.mdmsim.abm.state.SeededRandom;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.security.Secrets;
import io.mdmsim.core.time.ManualClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an ABM administrator does in the web UI, as the JSON admin API: organizations, the inventory (generated or
 * imported), MDM servers and their server tokens, assigning (by serial, order number or CSV), unassigning, moving and
 * releasing devices, and the clock. Every assignment change lands in the servers' change logs through
 * {@link AbmState}.
 *
 * <p>It is a little over 400 lines: one short method per action of the ABM web UI, each checking its input and calling
 * {@link AbmState}.
 */
public final class AdminService {

    private static final System.Logger LOG = System.getLogger(AdminService.class.getName());

    /** A failed admin request: status and readable reason. */
    public static final class AdminError extends RuntimeException {
        private final int status;

        AdminError(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AdminDevice(String serialNumber, String productType, String model, String description, String color,
            String os, String deviceFamily, String osVersion, String buildVersion, String udid, String imei,
            String orderNumber, String purchaseDate, String assetTag, String organization, String mdmServer,
            String profileStatus, String profileUuid, String profileAssignTime, String profilePushTime,
            String deviceAssignedDate, String mdmMigrationDeadline, boolean released, boolean activationLocked) {
    }

    public record AdminServer(String name, String serverUuid, String organization, int devices, int profiles,
            String consumerKey, String tokenExpiry, int devicesPerMinute, String cursorsValidFrom,
            String certificateSha256) {
    }

    record AdminOrganization(String orgId, String name, String email, String phone, String addressLine1, String city,
            String region, String zipCode, String country, String orgType, String orgVersion, String adminId,
            boolean termsAccepted, int devices, int mdmServers) {
    }

    record Clock(String now, String mode) {
    }

    private final FakeAbmConfig config;
    private final AbmState state;
    private final SeededRandom random;

    public AdminService(FakeAbmConfig config, AbmState state, SeededRandom random) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
        this.random = requireNonNull(random, "random");
    }

    // ---------------------------------------------------------------------------------------------- organizations

    public List<AdminOrganization> organizations() {
        return state.organizations().stream().map(AdminService::organization).toList();
    }

    public AdminOrganization organization(String orgId) {
        return organization(existingOrg(orgId));
    }

    public AdminOrganization createOrganization(FakeAbmConfig.Organization o) {
        try {
            return organization(state.addOrganization(o));
        } catch (AbmState.StateConflict e) {
            throw new AdminError(409, e.getMessage());
        }
    }

    /** A new organization id: one more than the largest numeric one so far. */
    public String nextOrgId() {
        long max = 1_000_000;
        for (AbmState.OrgView o : state.organizations()) {
            try {
                max = Math.max(max, Long.parseLong(o.organization().orgId()));
            } catch (NumberFormatException e) {
                // not numeric: does not take part
            }
        }
        return Long.toString(max + 1);
    }

    public AdminOrganization setTermsAccepted(String orgId, boolean accepted) {
        existingOrg(orgId);
        return organization(state.setTermsAccepted(orgId, accepted));
    }

    private static AdminOrganization organization(AbmState.OrgView v) {
        FakeAbmConfig.Organization o = v.organization();
        return new AdminOrganization(o.orgId(), o.name(), o.email(), o.phone(), o.addressLine1(), o.city(), o.region(),
                o.zipCode(), o.country(), o.orgType(), o.orgVersion(), o.adminId(), v.termsAccepted(), v.devices(),
                v.servers());
    }

    // ---------------------------------------------------------------------------------------------- inventory

    public List<AdminDevice> devices(String mdmServer) {
        return devices(new AbmState.DeviceFilter(mdmServer, null, null, false), 0, Integer.MAX_VALUE);
    }

    public List<AdminDevice> devices(AbmState.DeviceFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new AdminError(400, "offset " + offset + ", limit " + limit + " (expected: >= 0)");
        }
        if (filter.mdmServer() != null) {
            existing(filter.mdmServer());
        }
        if (filter.organizationId() != null) {
            existingOrg(filter.organizationId());
        }
        return state.devices(filter, offset, limit).stream().map(AdminService::device).toList();
    }

    public AdminDevice device(String serial) {
        AbmState.DeviceView v = state.device(serial);
        if (v == null) {
            throw new AdminError(404, "no device with serial " + serial);
        }
        return device(v);
    }

    /** Draws {@code count} more devices from the seed into an organization (the first one if null). */
    public List<String> generateDevices(int count, String orgId) {
        if (count < 1 || count > 1_000_000) {
            throw new AdminError(400, "count: " + count + " (expected: 1..1000000)");
        }
        String org = orgId == null ? defaultOrgId() : existingOrg(orgId).organization().orgId();
        long batchSeed = config.seed() * 31 + state.inventorySize() + 1;
        List<InventoryDevice> devices = InventoryGenerator.generate(batchSeed, count, config.inventoryAsOf(), state::knows);
        state.addDevices(devices, org);
        return devices.stream().map(InventoryDevice::serialNumber).toList();
    }

    /** Imports an inventory CSV into an organization (the first one if null); all or nothing. */
    public int importDevices(byte[] csv, String orgId) {
        String org = orgId == null ? defaultOrgId() : existingOrg(orgId).organization().orgId();
        List<InventoryDevice> devices;
        try {
            devices = CsvImport.inventory(csv, InventoryGenerator.forImport(config.seed() * 17 + state.inventorySize(),
                    config.inventoryAsOf()));
            return state.addDevices(devices, org);
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    public boolean clearActivationLock(String serial) {
        try {
            return state.clearActivationLock(serial);
        } catch (IllegalArgumentException e) {
            throw new AdminError(404, e.getMessage());
        }
    }

    private static AdminDevice device(AbmState.DeviceView v) {
        InventoryDevice d = v.device();
        return new AdminDevice(d.serialNumber(), d.productType(), d.model().depModel(), d.description(), d.color(),
                d.family().os(), d.family().wire(), d.osVersion(), d.buildVersion(), d.udid(), d.imei(),
                d.orderNumber(), d.purchaseDate().toString(), d.assetTag(), v.organizationId(), v.mdmServer(),
                v.profileStatus() == null ? null : v.profileStatus().wire(), v.profileUuid(),
                iso(v.profileAssignTime()), iso(v.profilePushTime()), iso(v.assignedDate()),
                iso(v.mdmMigrationDeadline()), v.released(), v.activationLocked());
    }

    // ---------------------------------------------------------------------------------------------- MDM servers

    public AdminServer createServer(String name, String certificatePem) {
        return createServer(name, certificatePem, null);
    }

    public AdminServer createServer(String name, String certificatePem, String orgId) {
        if (name == null || name.isBlank() || name.length() > 100 || name.contains("/")) {
            throw new AdminError(400, "name: " + name + " (expected: 1..100 characters, no '/')");
        }
        if (certificatePem == null || certificatePem.isBlank()) {
            throw new AdminError(400, "certificatePem is required (the MDM server's PEM certificate for its token)");
        }
        X509Certificate cert = Pem.certificate(certificatePem);
        String org = orgId == null ? defaultOrgId() : existingOrg(orgId).organization().orgId();
        try {
            return server(state.addServer(name, random.uuid().toString(), cert, org));
        } catch (AbmState.StateConflict e) {
            throw new AdminError(409, e.getMessage());
        }
    }

    public List<AdminServer> servers() {
        return state.servers().stream().map(AdminService::server).toList();
    }

    public AdminServer server(String name) {
        return server(existing(name));
    }

    private static AdminServer server(AbmState.ServerView s) {
        return new AdminServer(s.name(), s.uuid(), s.organization().orgId(), s.devices(), s.profiles(),
                s.keys() == null ? null : s.keys().consumerKey(), s.keys() == null ? null : iso(s.keys().expiry()),
                s.devicesPerMinute(), s.cursorsValidFrom().equals(Instant.EPOCH) ? null : iso(s.cursorsValidFrom()),
                fingerprint(s.certificate()));
    }

    /** Lower-case hex SHA-256 of the certificate's DER, to tell which key a server's tokens are encrypted to. */
    static String fingerprint(X509Certificate c) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A new server token for the MDM server, encrypted to its certificate as Apple's .p7m; the previous token's keys
     * stop working (AppleDoc:authenticating-with-the-automated-device-enrollment-program). Valid a year.
     */
    public byte[] downloadToken(String name) {
        AbmState.ServerView server = existing(name);
        Instant expiry = state.now().atOffset(ZoneOffset.UTC).plusYears(1).toInstant().truncatedTo(ChronoUnit.SECONDS);
        AbmState.OAuthKeys keys = new AbmState.OAuthKeys("CK_" + Secrets.hex(64), "CS_" + Secrets.hex(64),
                "AT_" + Secrets.hex(64), "AS_" + Secrets.hex(64), expiry);
        byte[] p7m = token(keys).toP7m(server.certificate());
        state.replaceToken(name, keys);
        LOG.log(System.Logger.Level.INFO, "new server token for MDM server {0}, expires {1}", name, expiry);
        return p7m;
    }

    /**
     * The server's current token again, encrypted afresh (for a restarted standalone fake that must hand the MDM the
     * token it already has); null if it has none yet. Unlike a download, the keys stay the same.
     */
    public byte[] currentToken(String name) {
        AbmState.ServerView server = existing(name);
        return server.keys() == null ? null : token(server.keys()).toP7m(server.certificate());
    }

    private static ServerToken token(AbmState.OAuthKeys keys) {
        return new ServerToken(keys.consumerKey(), keys.consumerSecret(), keys.accessToken(), keys.accessSecret(),
                keys.expiry());
    }

    /** The server's pace: {@code -1} = the ABM's default, 0 = unlimited. */
    public AdminServer setPace(String name, int devicesPerMinute) {
        existing(name);
        try {
            return server(state.setPace(name, devicesPerMinute));
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    public int expireCursors(String name) {
        if (name != null) {
            existing(name);
        }
        return state.expireCursors(name);
    }

    // ---------------------------------------------------------------------------------------------- assignment

    /**
     * Assigns devices to an MDM server, moving them from another one: the given serials, the devices of the given
     * orders, or (all) every unreleased device of the server's organization. Returns how many are now assigned there.
     */
    public int assign(String mdmServer, List<String> serials, boolean all) {
        return assign(mdmServer, serials, null, all, null);
    }

    public int assign(String mdmServer, List<String> serials, List<String> orderNumbers, boolean all, Instant migrationDeadline) {
        if (mdmServer == null || mdmServer.isBlank()) {
            throw new AdminError(400, "mdmServer is required");
        }
        int given = (all ? 1 : 0) + (serials != null ? 1 : 0) + (orderNumbers != null ? 1 : 0);
        if (given != 1) {
            throw new AdminError(400, "give exactly one of \"serials\": [...], \"orderNumbers\": [...] or \"all\": true (got "
                    + (given == 0 ? "neither" : "both") + ")");
        }
        AbmState.ServerView server = existing(mdmServer);
        if (all) {
            return state.assignAll(mdmServer, server.organization().adminId(), migrationDeadline);
        }
        List<String> which;
        if (orderNumbers != null) {
            Set<String> fromOrders = new LinkedHashSet<>();
            List<String> unknown = new ArrayList<>();
            for (String order : orderNumbers) {
                List<String> of = state.serialsOfOrder(order);
                if (of.isEmpty()) {
                    unknown.add(order);
                }
                fromOrders.addAll(of);
            }
            if (!unknown.isEmpty()) {
                throw new AdminError(400, "unknown order number" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown));
            }
            which = List.copyOf(fromOrders);
        } else {
            which = serials;
        }
        try {
            return state.assign(mdmServer, which, server.organization().adminId(), migrationDeadline);
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    /** Assigns the serials of an uploaded CSV (one a row, first column). */
    public int assignCsv(String mdmServer, byte[] csv) {
        List<String> serials;
        try {
            serials = CsvImport.serials(csv);
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
        return assign(mdmServer, serials, null, false, null);
    }

    public int unassign(List<String> serials) {
        requireSerials(serials);
        try {
            return state.unassign(serials);
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    public int release(List<String> serials) {
        requireSerials(serials);
        try {
            return state.release(serials);
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    private static void requireSerials(List<String> serials) {
        if (serials == null || serials.isEmpty()) {
            throw new AdminError(400, "serials: expected a non-empty array of serial numbers");
        }
    }

    // ---------------------------------------------------------------------------------------------- clock

    public Clock clock() {
        return new Clock(state.now().toString(), config.clock().describe());
    }

    /** Moves a manual clock forward ({@code advance}, ISO-8601 duration) or to an instant ({@code set}). */
    public Clock moveClock(String advance, String set) {
        if (!(config.clock() instanceof ManualClock manual)) {
            throw new AdminError(409, "the clock is " + config.clock().describe() + "; only a manual clock can be moved");
        }
        if ((advance == null) == (set == null)) {
            throw new AdminError(400, "give either \"advance\": \"PT10M\" or \"set\": \"2025-06-01T12:00:00Z\"");
        }
        try {
            if (advance != null) {
                Duration d = Duration.parse(advance);
                if (d.isNegative()) {
                    throw new AdminError(400, "advance: " + advance + " (expected: a positive duration)");
                }
                manual.advance(d);
            } else {
                manual.set(Instant.parse(set));
            }
        } catch (java.time.format.DateTimeParseException e) {
            throw new AdminError(400, "cannot parse " + e.getParsedString() + " (expected: ISO-8601, e.g. PT10M or 2025-06-01T12:00:00Z)");
        }
        return clock();
    }

    static String iso(Instant t) {
        return t == null ? null : DepService.time(t).toString();
    }

    private String defaultOrgId() {
        AbmState.OrgView o = state.defaultOrganization();
        if (o == null) {
            throw new AdminError(409, "there is no organization yet (POST /admin/organizations)");
        }
        return o.organization().orgId();
    }

    private AbmState.OrgView existingOrg(String orgId) {
        AbmState.OrgView o = state.organization(orgId);
        if (o == null) {
            throw new AdminError(404, "no organization with id " + orgId);
        }
        return o;
    }

    private AbmState.ServerView existing(String name) {
        AbmState.ServerView s = state.server(name);
        if (s == null) {
            throw new AdminError(404, "no MDM server named " + name);
        }
        return s;
    }
}
