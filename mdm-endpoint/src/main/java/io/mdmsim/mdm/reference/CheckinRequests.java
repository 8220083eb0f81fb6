package io.mdmsim.mdm.reference;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import io.mdmsim.core.protocol.DeclarativeManagement;
import io.mdmsim.core.protocol.GetToken;
import io.mdmsim.core.protocol.SetBootstrapToken;
import io.mdmsim.core.protocol.UserAuthenticate;
import io.mdmsim.core.time.SimClock;
import io.mdmsim.mdm.MdmConfig;
import io.mdmsim.mdm.declarative.DeclarationStore;
import io.mdmsim.mdm.device.DeviceRecord;
import io.mdmsim.mdm.model.BadInputException;
import io.mdmsim.mdm.service.CheckinReply;
import java.nio.charset.StandardCharsets;

/**
 * The check-in requests of an enrolled device besides enrollment itself (Apple's "Check-in"): UserAuthenticate
 * (declined, or a digest exchange), the bootstrap token (Set/GetBootstrapToken), GetToken and DeclarativeManagement
 * (tokens, declaration items, declarations, status reports). Every method runs under the device's lock.
 */
final class CheckinRequests {

    /** GetToken services (ADM gettoken.yaml TokenServiceType). */
    static final String MAID = "com.apple.maid";
    static final String WATCH_PAIRING = "com.apple.watch.pairing";

    private final SimClock clock;
    private final MdmConfig.UserAuthentication userAuthentication;
    private final DeclarationStore declarations;

    CheckinRequests(SimClock clock, MdmConfig.UserAuthentication userAuthentication, DeclarationStore declarations) {
        this.clock = requireNonNull(clock, "clock");
        this.userAuthentication = requireNonNull(userAuthentication, "userAuthentication");
        this.declarations = requireNonNull(declarations, "declarations");
    }

    /** SetBootstrapToken: stored (an empty token clears it). */
    CheckinReply setBootstrapToken(DeviceRecord d, SetBootstrapToken s) {
        byte[] token = s.bootstrapToken();
        d.bootstrapToken = token == null || token.length == 0 ? null : token.clone();
        return CheckinReply.ok();
    }

    /** GetBootstrapToken: the stored token (empty data if none). */
    CheckinReply getBootstrapToken(DeviceRecord d) {
        NSDictionary reply = new NSDictionary();
        reply.put("BootstrapToken", new NSData(d.bootstrapToken == null ? new byte[0] : d.bootstrapToken));
        return CheckinReply.plist(reply);
    }

    /**
     * UserAuthenticate (ADM userauthenticate.yaml; nanomdm service/nanomdm/ua.go): declined with 410, or a digest
     * exchange: the first request gets {@code DigestChallenge}, the second must answer it in DigestResponse.
     */
    CheckinReply userAuthenticate(DeviceRecord d, UserAuthenticate u) {
        if (userAuthentication == MdmConfig.UserAuthentication.DECLINE) {
            return CheckinReply.status(410, "user channels are declined by this server (userAuthentication=DECLINE)");
        }
        if (u.digestResponse() == null) {
            String nonce = io.mdmsim.core.security.Secrets.hex(16);
            d.digestNonces.put(u.userId(), nonce);
            NSDictionary reply = new NSDictionary();
            reply.put("DigestChallenge", "Digest realm=\"mdmsim\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=MD5");
            return CheckinReply.plist(reply);
        }
        String nonce = d.digestNonces.get(u.userId());
        if (nonce == null) {
            return CheckinReply.status(410, "DigestResponse for user " + u.userId()
                    + " without a DigestChallenge (expected: a first UserAuthenticate without DigestResponse)");
        }
        if (!u.digestResponse().contains("nonce=\"" + nonce + "\"")) {
            return CheckinReply.status(410, "DigestResponse for user " + u.userId()
                    + " does not answer the challenge (expected: nonce=\"" + nonce + "\")");
        }
        d.digestNonces.remove(u.userId());
        DeviceRecord.UserChannel old = d.users.get(u.userId());
        d.users.put(u.userId(), new DeviceRecord.UserChannel(u.userId(), old == null ? null : old.shortName(),
                old == null ? null : old.longName(), true, old != null && old.hasToken()));
        return CheckinReply.ok();
    }

    /** GetToken (ADM gettoken.yaml): a token for the service, {@code {TokenData: <data>}}. */
    CheckinReply getToken(DeviceRecord d, GetToken g) {
        String service = g.tokenServiceType();
        switch (service) {
            case MAID -> { }
            case WATCH_PAIRING -> {
                GetToken.TokenParameters p = g.tokenParameters();
                if (p == null || p.securityToken() == null || p.phoneUdid() == null || p.watchUdid() == null) {
                    throw new BadInputException("GetToken " + WATCH_PAIRING + " needs TokenParameters with"
                            + " SecurityToken, PhoneUDID and WatchUDID (ADM gettoken.yaml)");
                }
            }
            default -> throw new BadInputException("GetToken TokenServiceType: " + service + " (expected: " + MAID
                    + " or " + WATCH_PAIRING + ")");
        }
        String token = "mdmsim:" + service + ":" + d.id + ":" + io.mdmsim.core.security.Secrets.hex(8);
        NSDictionary reply = new NSDictionary();
        reply.put("TokenData", new NSData(token.getBytes(StandardCharsets.UTF_8)));
        return CheckinReply.plist(reply);
    }

    /**
     * DeclarativeManagement (ADM declarativemanagement.yaml, declarative/protocol/*.yaml): {@code tokens},
     * {@code declaration-items}, {@code declaration/<kind>/<identifier>} from the {@link DeclarationStore};
     * {@code status} reports are stored.
     */
    CheckinReply declarativeManagement(DeviceRecord d, DeclarativeManagement dm) {
        String endpoint = dm.endpoint();
        if (endpoint.equals("tokens")) {
            return CheckinReply.json(io.mdmsim.core.http.Json.write(declarations.tokens()));
        }
        if (endpoint.equals("declaration-items")) {
            return CheckinReply.json(io.mdmsim.core.http.Json.write(declarations.items()));
        }
        if (endpoint.equals("status")) {
            d.declarativeStatus = statusReport(dm.data());
            d.declarativeStatusAt = clock.now();
            return CheckinReply.ok();
        }
        String[] parts = endpoint.split("/", -1);
        if (parts.length == 3 && parts[0].equals("declaration") && !parts[2].isEmpty()) {
            DeclarationStore.Kind kind = DeclarationStore.Kind.ofSegment(parts[1]).orElseThrow(() ->
                    new BadInputException("DeclarativeManagement Endpoint: " + endpoint + " (expected the kind to be"
                            + " activation, configuration, asset or management)"));
            return declarations.get(kind, parts[2])
                    .map(decl -> CheckinReply.json(io.mdmsim.core.http.Json.write(decl.json())))
                    .orElseGet(() -> CheckinReply.status(404, "no " + kind.segment + " declaration '" + parts[2]
                            + "' on this server (see the declaration-items endpoint)"));
        }
        throw new BadInputException("DeclarativeManagement Endpoint: " + endpoint + " (expected: tokens,"
                + " declaration-items, status or declaration/<kind>/<identifier>)");
    }

    /** A status report (ADM declarative/protocol/statusreport.yaml): JSON with StatusItems and Errors. */
    private static Object statusReport(byte[] data) {
        if (data == null || data.length == 0) {
            throw new BadInputException("DeclarativeManagement status without Data (expected: the JSON status"
                    + " report, ADM declarative/protocol/statusreport.yaml)");
        }
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = io.mdmsim.core.http.Json.MAPPER.readTree(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException("DeclarativeManagement status Data is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadInputException("DeclarativeManagement status Data is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject() || !json.path("StatusItems").isObject() || !json.path("Errors").isArray()) {
            throw new BadInputException("DeclarativeManagement status report lacks StatusItems (object) or Errors"
                    + " (array) (ADM declarative/protocol/statusreport.yaml)");
        }
        return io.mdmsim.core.http.Json.MAPPER.convertValue(json, Object.class);
    }
}
