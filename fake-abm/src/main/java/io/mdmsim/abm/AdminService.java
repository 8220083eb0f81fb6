package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mdmsim.core.dep.ServerToken;
import io.mdmsim.core.pki.Pem;
import io.mdmsim.core.time.ManualClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What an ABM administrator does in the web UI, as the JSON admin API of CONTRACT.md B: list the inventory, create
 * MDM servers, download their server tokens, assign devices, and read (or, on a manual clock, move) the clock.
 */
final class AdminService {

    private static final System.Logger LOG = System.getLogger(AdminService.class.getName());

    /** A failed admin request: status and readable reason. */
    static final class AdminError extends RuntimeException {
        private final int status;

        AdminError(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AdminDevice(String serialNumber, String productType, String model, String description, String color,
            String os, String deviceFamily, String osVersion, String buildVersion, String udid, String imei,
            String orderNumber, String purchaseDate, String mdmServer, String profileStatus, String profileUuid,
            String profileAssignTime, String profilePushTime) {
    }

    record AdminServer(String name, String serverUuid, int devices, String consumerKey, String tokenExpiry) {
    }

    record Clock(String now, String mode) {
    }

    private final FakeAbmConfig config;
    private final AbmState state;
    private final SeededRandom random;

    AdminService(FakeAbmConfig config, AbmState state, SeededRandom random) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
        this.random = requireNonNull(random, "random");
    }

    List<AdminDevice> devices(String mdmServer) {
        return state.devices().stream()
                .filter(v -> mdmServer == null || mdmServer.equals(v.mdmServer()))
                .map(AdminService::device)
                .toList();
    }

    AdminDevice device(String serial) {
        AbmState.DeviceView v = state.device(serial);
        if (v == null) {
            throw new AdminError(404, "no device with serial " + serial);
        }
        return device(v);
    }

    private static AdminDevice device(AbmState.DeviceView v) {
        InventoryDevice d = v.device();
        return new AdminDevice(d.serialNumber(), d.productType(), d.model().depModel(), d.description(), d.color(),
                d.family().os(), d.family().wire(), d.osVersion(), d.buildVersion(), d.udid(), d.imei(),
                d.orderNumber(), d.purchaseDate().toString(), v.mdmServer(),
                v.profileStatus() == null ? null : v.profileStatus().wire(), v.profileUuid(),
                iso(v.profileAssignTime()), iso(v.profilePushTime()));
    }

    AdminServer createServer(String name, String certificatePem) {
        if (name == null || name.isBlank() || name.length() > 100 || name.contains("/")) {
            throw new AdminError(400, "name: " + name + " (expected: 1..100 characters, no '/')");
        }
        if (certificatePem == null || certificatePem.isBlank()) {
            throw new AdminError(400, "certificatePem is required (the MDM server's PEM certificate for its token)");
        }
        X509Certificate cert = Pem.certificate(certificatePem);
        try {
            return server(state.addServer(name, random.uuid().toString(), cert));
        } catch (AbmState.StateConflict e) {
            throw new AdminError(409, e.getMessage());
        }
    }

    List<AdminServer> servers() {
        return state.servers().stream().map(AdminService::server).toList();
    }

    AdminServer server(String name) {
        return server(existing(name));
    }

    private static AdminServer server(AbmState.ServerView s) {
        return new AdminServer(s.name(), s.uuid(), s.devices(), s.keys() == null ? null : s.keys().consumerKey(),
                s.keys() == null ? null : iso(s.keys().expiry()));
    }

    /**
     * A new server token for the MDM server, encrypted to its certificate as Apple's .p7m; the previous token's keys
     * stop working (AppleDoc:authenticating-with-the-automated-device-enrollment-program).
     */
    byte[] downloadToken(String name) {
        AbmState.ServerView server = existing(name);
        Instant expiry = state.now().atOffset(ZoneOffset.UTC).plusYears(1).toInstant().truncatedTo(ChronoUnit.SECONDS);
        AbmState.OAuthKeys keys = new AbmState.OAuthKeys("CK_" + random.hex(64), "CS_" + random.hex(64),
                "AT_" + random.hex(64), "AS_" + random.hex(64), expiry);
        ServerToken token = new ServerToken(keys.consumerKey(), keys.consumerSecret(), keys.accessToken(),
                keys.accessSecret(), keys.expiry());
        byte[] p7m = token.toP7m(server.certificate());
        state.replaceToken(name, keys);
        LOG.log(System.Logger.Level.INFO, "new server token for MDM server {0}, expires {1}", name, expiry);
        return p7m;
    }

    /** Assigns the given serials, or the whole inventory, to an MDM server; returns how many are now assigned there. */
    int assign(String mdmServer, List<String> serials, boolean all) {
        if (mdmServer == null || mdmServer.isBlank()) {
            throw new AdminError(400, "mdmServer is required");
        }
        if (all == (serials != null)) {
            throw new AdminError(400, "give either \"serials\": [...] or \"all\": true (got "
                    + (all ? "both" : "neither") + ")");
        }
        existing(mdmServer);
        List<String> which = all ? state.serials() : serials;
        try {
            return state.assign(mdmServer, which, config.organization().adminId());
        } catch (IllegalArgumentException e) {
            throw new AdminError(400, e.getMessage());
        }
    }

    Clock clock() {
        return new Clock(state.now().toString(), config.clock().describe());
    }

    /** Moves a manual clock forward ({@code advance}, ISO-8601 duration) or to an instant ({@code set}). */
    Clock moveClock(String advance, String set) {
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

    private static String iso(Instant t) {
        return t == null ? null : DepService.time(t).toString();
    }

    private AbmState.ServerView existing(String name) {
        AbmState.ServerView s = state.server(name);
        if (s == null) {
            throw new AdminError(404, "no MDM server named " + name);
        }
        return s;
    }
}
