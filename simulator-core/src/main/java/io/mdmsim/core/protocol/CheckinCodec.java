package io.mdmsim.core.protocol;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import java.util.List;

/**
 * Reads and writes check-in messages (Apple {@code mdm/checkin/*.yaml}). Decoding reads {@code MessageType} first,
 * then binds the record of that type. Required keys are the ones each YAML marks {@code presence: required} for every
 * platform and channel; keys the YAML requires only on some (macOS-only, user channel, user enrollment) are optional
 * here, and UDID / EnrollmentID follow the YAMLs' rule "UDID, or EnrollmentID for a user enrollment".
 * Unknown keys are ignored (they stay in {@link CheckinMessage#raw()}).
 */
public final class CheckinCodec {
    /** Every MessageType this codec knows, in the order of Apple's documentation. */
    public static final List<String> MESSAGE_TYPES = List.of(Authenticate.MESSAGE_TYPE, TokenUpdate.MESSAGE_TYPE,
            CheckOut.MESSAGE_TYPE, UserAuthenticate.MESSAGE_TYPE, SetBootstrapToken.MESSAGE_TYPE,
            GetBootstrapToken.MESSAGE_TYPE, GetToken.MESSAGE_TYPE, DeclarativeManagement.MESSAGE_TYPE);

    private static final String CONTEXT = "check-in message";

    private CheckinCodec() {}

    /**
     * Decodes an XML or binary plist check-in body.
     *
     * @throws MalformedMessageException not a plist, root not a dictionary, MessageType missing, a required key
     *     missing or a value of the wrong type
     * @throws UnknownMessageTypeException a MessageType not in {@link #MESSAGE_TYPES}
     */
    public static CheckinMessage decode(byte[] body) {
        requireNonNull(body, "body");
        NSDictionary dict;
        try {
            dict = Plist.parseDictionary(body);
        } catch (PlistException e) {
            throw new MalformedMessageException(CONTEXT + ": " + e.getMessage(), body, e);
        }
        return decode(dict, body);
    }

    /** Binds an already parsed check-in dictionary; {@code raw} (may be null) is kept as the message's bytes. */
    public static CheckinMessage decode(NSDictionary dict, byte[] raw) {
        requireNonNull(dict, "dict");
        NSObject type = dict.get("MessageType");
        if (type == null) {
            throw new MalformedMessageException(CONTEXT + ": MessageType is missing (expected: <string>, one of "
                    + String.join(", ", MESSAGE_TYPES) + ")", raw);
        }
        if (!(type instanceof NSString s)) {
            throw new MalformedMessageException(CONTEXT + ": MessageType: " + Fields.describe(type)
                    + " (expected: <string>)", raw);
        }
        String messageType = s.getContent();
        Fields f = new Fields(messageType, dict, raw);
        try {
            return switch (messageType) {
                case Authenticate.MESSAGE_TYPE -> authenticate(f, raw);
                case TokenUpdate.MESSAGE_TYPE -> tokenUpdate(f, raw);
                case CheckOut.MESSAGE_TYPE -> checkOut(f, raw);
                case UserAuthenticate.MESSAGE_TYPE -> userAuthenticate(f, raw);
                case SetBootstrapToken.MESSAGE_TYPE -> setBootstrapToken(f, raw);
                case GetBootstrapToken.MESSAGE_TYPE -> getBootstrapToken(f, raw);
                case GetToken.MESSAGE_TYPE -> getToken(f, raw);
                case DeclarativeManagement.MESSAGE_TYPE -> declarativeManagement(f, raw);
                default -> throw new UnknownMessageTypeException(messageType, raw);
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            // The records' own checks; the readers above should have reported the problem first.
            throw new MalformedMessageException(messageType + ": " + e.getMessage(), raw, e);
        }
    }

    /** The message as an XML plist, ready to PUT to the CheckInURL. */
    public static byte[] encode(CheckinMessage m) {
        return Plist.toXml(toDictionary(m));
    }

    /** The message as a plist dictionary, MessageType first, absent values left out. */
    public static NSDictionary toDictionary(CheckinMessage m) {
        requireNonNull(m, "m");
        DictWriter w = new DictWriter().string("MessageType", m.messageType());
        switch (m) {
            case Authenticate a -> w.string("Topic", a.topic()).string("UDID", a.udid())
                    .string("EnrollmentID", a.enrollmentId()).string("SerialNumber", a.serialNumber())
                    .string("ProductName", a.productName()).string("OSVersion", a.osVersion())
                    .string("BuildVersion", a.buildVersion()).string("IMEI", a.imei()).string("MEID", a.meid())
                    .string("DeviceName", a.deviceName()).string("Model", a.model())
                    .string("ModelName", a.modelName());
            case TokenUpdate t -> w.string("Topic", t.topic()).string("UDID", t.udid())
                    .string("EnrollmentID", t.enrollmentId()).string("EnrollmentUserID", t.enrollmentUserId())
                    .data("Token", t.token()).string("PushMagic", t.pushMagic()).data("UnlockToken", t.unlockToken())
                    .flag("AwaitingConfiguration", t.awaitingConfiguration()).string("UserID", t.userId())
                    .string("UserShortName", t.userShortName()).string("UserLongName", t.userLongName())
                    .bool("NotOnConsole", t.notOnConsole());
            case CheckOut c -> w.string("Topic", c.topic()).string("UDID", c.udid())
                    .string("EnrollmentID", c.enrollmentId());
            case UserAuthenticate u -> w.string("UDID", u.udid()).string("UserID", u.userId())
                    .string("DigestResponse", u.digestResponse());
            case SetBootstrapToken b -> w.string("UDID", b.udid()).data("BootstrapToken", b.bootstrapToken())
                    .flag("AwaitingConfiguration", b.awaitingConfiguration());
            case GetBootstrapToken b -> w.string("UDID", b.udid())
                    .flag("AwaitingConfiguration", b.awaitingConfiguration());
            case GetToken g -> {
                w.string("TokenServiceType", g.tokenServiceType());
                if (g.tokenParameters() != null) {
                    GetToken.TokenParameters p = g.tokenParameters();
                    w.put("TokenParameters", new DictWriter().string("SecurityToken", p.securityToken())
                            .string("PhoneUDID", p.phoneUdid()).string("WatchUDID", p.watchUdid()).build());
                }
                userChannel(w, g.udid(), g.enrollmentId(), g.enrollmentUserId(), g.userShortName(), g.userId(),
                        g.userLongName());
            }
            case DeclarativeManagement d -> {
                w.string("Endpoint", d.endpoint()).data("Data", d.data());
                userChannel(w, d.udid(), d.enrollmentId(), d.enrollmentUserId(), d.userShortName(), d.userId(),
                        d.userLongName());
            }
        }
        return w.build();
    }

    private static void userChannel(DictWriter w, String udid, String enrollmentId, String enrollmentUserId,
            String userShortName, String userId, String userLongName) {
        w.string("UDID", udid).string("EnrollmentID", enrollmentId).string("EnrollmentUserID", enrollmentUserId)
                .string("UserShortName", userShortName).string("UserID", userId).string("UserLongName", userLongName);
    }

    // ---------------------------------------------------------------------------------------------- binders

    private static Authenticate authenticate(Fields f, byte[] raw) {
        String topic = f.requiredString("Topic");
        f.requireIdentity();
        return new Authenticate(topic, f.string("UDID"), f.string("EnrollmentID"), f.string("SerialNumber"),
                f.string("ProductName"), f.string("OSVersion"), f.string("BuildVersion"), f.string("IMEI"),
                f.string("MEID"), f.string("DeviceName"), f.string("Model"), f.string("ModelName"), raw);
    }

    private static TokenUpdate tokenUpdate(Fields f, byte[] raw) {
        String topic = f.requiredString("Topic");
        f.requireIdentity();
        byte[] token = f.requiredData("Token");
        String pushMagic = f.requiredString("PushMagic");
        return new TokenUpdate(topic, f.string("UDID"), f.string("EnrollmentID"), token, pushMagic,
                f.data("UnlockToken"), f.bool("AwaitingConfiguration", false), f.string("UserID"),
                f.string("UserShortName"), f.string("UserLongName"), f.string("EnrollmentUserID"),
                f.bool("NotOnConsole"), raw);
    }

    private static CheckOut checkOut(Fields f, byte[] raw) {
        String topic = f.requiredString("Topic");
        f.requireIdentity();
        return new CheckOut(topic, f.string("UDID"), f.string("EnrollmentID"), raw);
    }

    private static UserAuthenticate userAuthenticate(Fields f, byte[] raw) {
        return new UserAuthenticate(f.requiredString("UDID"), f.requiredString("UserID"), f.string("DigestResponse"),
                raw);
    }

    private static SetBootstrapToken setBootstrapToken(Fields f, byte[] raw) {
        return new SetBootstrapToken(f.string("UDID"), f.data("BootstrapToken"),
                f.bool("AwaitingConfiguration", false), raw);
    }

    private static GetBootstrapToken getBootstrapToken(Fields f, byte[] raw) {
        return new GetBootstrapToken(f.string("UDID"), f.bool("AwaitingConfiguration", false), raw);
    }

    private static GetToken getToken(Fields f, byte[] raw) {
        String serviceType = f.requiredString("TokenServiceType");
        f.requireIdentity();
        Fields p = f.nested("TokenParameters");
        GetToken.TokenParameters params = p == null ? null
                : new GetToken.TokenParameters(p.string("SecurityToken"), p.string("PhoneUDID"), p.string("WatchUDID"));
        return new GetToken(serviceType, params, f.string("UDID"), f.string("EnrollmentID"),
                f.string("EnrollmentUserID"), f.string("UserShortName"), f.string("UserID"), f.string("UserLongName"),
                raw);
    }

    private static DeclarativeManagement declarativeManagement(Fields f, byte[] raw) {
        String endpoint = f.requiredString("Endpoint");
        f.requireIdentity();
        return new DeclarativeManagement(endpoint, f.data("Data"), f.string("UDID"), f.string("EnrollmentID"),
                f.string("EnrollmentUserID"), f.string("UserShortName"), f.string("UserID"), f.string("UserLongName"),
                raw);
    }
}
