package io.mdmsim.device.commands;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.cms.Cms;
import io.mdmsim.core.cms.SignedContent;
import io.mdmsim.core.pki.Certificates;
import io.mdmsim.core.pki.Identity;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.EnrollmentProfile;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.PlistFields;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.net.ScepClient;
import io.mdmsim.device.runtime.DeviceContext;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ProfileList, InstallProfile and RemoveProfile (ADM mdm/commands/profile.*.yaml; profile structure in
 * mdm/profiles/TopLevel.yaml). InstallProfile reads signed and encrypted profiles, installs certificate payloads and
 * really enrolls each SCEP payload with the profile's SCEP server.
 */
public final class ProfileHandlers {

    private static final System.Logger LOG = System.getLogger(ProfileHandlers.class.getName());

    private ProfileHandlers() {
    }

    /** A profile the device refuses; becomes the reply's ErrorChain. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient CommandReply reply;

        Refused(int code, String domain, String description) {
            super(description, null, false, false);
            this.reply = DeviceErrors.error(code, domain, description);
        }
    }

    // mdm/commands/profile.list.yaml
    static CommandReply profileList(DeviceContext ctx, Command command) throws CommandHandler.CommandFormatException {
        Device d = ctx.device();
        boolean managedOnly = CommandFields.bool(command, "ManagedOnly", false);
        List<NSObject> items = new ArrayList<>();
        ManagedState.InstalledProfile enrollment = enrollmentProfile(d);
        if (enrollment != null) {
            items.add(listItem(d, enrollment));
        }
        for (ManagedState.InstalledProfile p : d.managed().profiles()) {
            if (!managedOnly || p.managed()) {
                items.add(listItem(d, p));
            }
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("ProfileList", new NSArray(items.toArray(NSObject[]::new)));
        return CommandReply.acknowledged(result);
    }

    private static NSDictionary listItem(Device d, ManagedState.InstalledProfile p) {
        NSDictionary item = new NSDictionary();
        item.put("PayloadIdentifier", p.identifier());
        item.put("PayloadUUID", p.uuid());
        item.put("PayloadVersion", p.version());
        putIfSet(item, "PayloadDisplayName", p.displayName());
        putIfSet(item, "PayloadOrganization", p.organization());
        putIfSet(item, "PayloadDescription", p.description());
        item.put("PayloadRemovalDisallowed", p.removalDisallowed());
        item.put("HasRemovalPasscode", p.hasRemovalPasscode());
        item.put("IsEncrypted", p.encrypted());
        item.put("IsManaged", p.managed());
        if (!p.signers().isEmpty()) {
            NSData[] certs = p.signers().stream().map(c -> new NSData(Certificates.der(c))).toArray(NSData[]::new);
            item.put("SignerCertificates", new NSArray(certs));
        }
        List<NSObject> payloads = new ArrayList<>();
        for (ManagedState.PayloadSummary s : p.payloads()) {
            NSDictionary pd = new NSDictionary();
            pd.put("PayloadType", s.type());
            pd.put("PayloadVersion", s.version());
            pd.put("PayloadIdentifier", s.identifier());
            if (d.osAtLeast(17, 0)) {
                pd.put("PayloadUUID", s.uuid());
            }
            putIfSet(pd, "PayloadDisplayName", s.displayName());
            putIfSet(pd, "PayloadDescription", s.description());
            putIfSet(pd, "PayloadOrganization", s.organization());
            payloads.add(pd);
        }
        item.put("PayloadContent", new NSArray(payloads.toArray(NSObject[]::new)));
        return item;
    }

    /** The enrollment profile as installed during enrollment, read back from the bytes the device received. */
    public static ManagedState.InstalledProfile enrollmentProfile(Device d) {
        if (d.profileBytes() == null || d.profile() == null) {
            return null;
        }
        try {
            Parsed parsed = parse(d, d.profileBytes(), List.of());
            return installed(parsed, true, true, Map.of(), d.profile().trustedCertificates(),
                    java.time.Instant.EPOCH);
        } catch (Refused e) {
            LOG.log(Level.DEBUG, "{0}: enrollment profile not listable: {1}", d.ref(), e.getMessage());
            return null;
        }
    }

    // mdm/commands/profile.install.yaml
    static CommandReply installProfile(DeviceContext ctx, Command command)
            throws CommandHandler.CommandFormatException, InterruptedException {
        Device d = ctx.device();
        byte[] payload = CommandFields.requiredData(command, "Payload");
        try {
            Parsed parsed = parse(d, payload, identities(d));
            ManagedState.InstalledProfile existing = d.managed().profile(parsed.identifier);
            if (existing != null && !existing.managed()) {
                throw new Refused(DeviceErrors.PROFILE_NOT_MANAGED, DeviceErrors.MDM, "a profile "
                        + parsed.identifier + " installed by the user exists; the MDM cannot replace it");
            }
            ManagedState.InstalledProfile enrollment = enrollmentProfile(d);
            if (enrollment != null && enrollment.identifier().equals(parsed.identifier)) {
                throw new Refused(DeviceErrors.INSTALL_FAILED, DeviceErrors.INSTALLATION, "PayloadIdentifier "
                        + parsed.identifier + " is the MDM enrollment profile's (expected: another identifier)");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            Map<String, Identity> identities = new LinkedHashMap<>();
            String lockApp = appLock(d, parsed);
            for (NSDictionary p : parsed.payloads) {
                String type = ((NSString) p.objectForKey("PayloadType")).getContent();
                String uuid = ((NSString) p.objectForKey("PayloadUUID")).getContent();
                switch (type) {
                    case "com.apple.mdm" -> throw new Refused(DeviceErrors.MULTIPLE_MDM, DeviceErrors.MDM, "the profile holds a"
                            + " com.apple.mdm payload; the device is already enrolled in an MDM (multiple MDM"
                            + " instances are not allowed)");
                    case "com.apple.security.root", "com.apple.security.pkcs1", "com.apple.security.pem" -> {
                        try {
                            certificates.add(EnrollmentProfile.certificatePayload(p, type));
                        } catch (EnrollmentProfile.InvalidProfileException e) {
                            throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, e.getMessage());
                        }
                    }
                    case "com.apple.security.scep" -> identities.put(uuid, scep(ctx, p));
                    default -> { } // restrictions, Wi-Fi, VPN, ...: installed as given
                }
            }
            d.managed().install(installed(parsed, true, false, identities, certificates, ctx.clock().now()));
            ManagedState.SingleAppMode before = d.managed().singleAppMode();
            if (lockApp != null) {
                d.managed().singleAppMode(new ManagedState.SingleAppMode(lockApp, parsed.identifier));
                ctx.trace().event("single-app-mode", Map.of("locked", true, "app", lockApp,
                        "profile", parsed.identifier));
            } else if (before != null && before.profileIdentifier().equals(parsed.identifier)) {
                d.managed().singleAppMode(null); // the profile was replaced by one without the lock
                ctx.trace().event("single-app-mode", Map.of("locked", false, "app", before.app(),
                        "profile", parsed.identifier));
            }
            return CommandReply.acknowledged();
        } catch (Refused r) {
            return r.reply;
        }
    }

    /**
     * The app a com.apple.app.lock payload locks the device to (App.Identifier), null when the profile has none. Single
     * App Mode needs a supervised device; a payload without App.Identifier is malformed; two are refused.
     */
    private static String appLock(Device d, Parsed parsed) throws Refused {
        String app = null;
        for (int i = 0; i < parsed.payloads.size(); i++) {
            NSDictionary p = parsed.payloads.get(i);
            if (!(p.objectForKey("PayloadType") instanceof NSString t) || !t.getContent().equals(APP_LOCK)) {
                continue;
            }
            if (app != null) {
                throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, "profile " + parsed.identifier
                        + " has more than one " + APP_LOCK + " payload (expected: one app to lock the device to)");
            }
            if (!(p.objectForKey("App") instanceof NSDictionary appDict)
                    || !(appDict.objectForKey("Identifier") instanceof NSString id) || id.getContent().isBlank()) {
                throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, "profile: PayloadContent[" + i
                        + "] (" + APP_LOCK + ") has no App dictionary with an Identifier (expected: App {Identifier"
                        + " <bundle ID>})");
            }
            app = id.getContent();
        }
        if (app != null && !d.supervised()) {
            throw new Refused(DeviceErrors.INSTALL_FAILED, DeviceErrors.INSTALLATION, APP_LOCK + " (Single App Mode"
                    + " for " + app + ") needs a supervised device; this one is not supervised");
        }
        return app;
    }

    /** A SCEP payload of an installed profile: a real enrollment with its server, key size as it asks. */
    private static Identity scep(DeviceContext ctx, NSDictionary payload) throws Refused, InterruptedException {
        EnrollmentProfile.ScepPayload scep;
        try {
            scep = EnrollmentProfile.scepPayload(payload);
        } catch (EnrollmentProfile.InvalidProfileException e) {
            throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, e.getMessage());
        }
        try {
            return new ScepClient(ctx.http(), ctx.clock(), ctx.random()).enroll(scep,
                    ctx.config().keySource().rsa(scep.keysize()), "CN=" + ctx.device().udid());
        } catch (StageFailure f) {
            throw new Refused(DeviceErrors.SCEP_INVALID_RESPONSE, DeviceErrors.SCEP, "SCEP payload "
                    + scep.payloadUuid() + " (" + scep.url() + "): " + f.reason());
        }
    }

    /** PayloadType of the Single App Mode payload (ADM mdm/profiles/com.apple.app.lock.yaml). */
    static final String APP_LOCK = "com.apple.app.lock";

    // mdm/commands/profile.remove.yaml
    static CommandReply removeProfile(DeviceContext ctx, Command command) throws CommandHandler.CommandFormatException {
        Device d = ctx.device();
        String identifier = CommandFields.requiredString(command, "Identifier");
        ManagedState.InstalledProfile enrollment = enrollmentProfile(d);
        if (enrollment != null && enrollment.identifier().equals(identifier)) {
            // the MDM may remove its own profile (retire, seeds "Re-enroll a device"): after this report the device
            // sends CheckOut (CheckOutWhenRemoved), drops everything the MDM installed, and is unmanaged
            d.unenrollAfterReport();
            return CommandReply.acknowledged();
        }
        ManagedState.InstalledProfile p = d.managed().profile(identifier);
        if (p == null) {
            return DeviceErrors.error(DeviceErrors.PROFILE_NOT_FOUND, DeviceErrors.PROFILE, "no installed profile has"
                    + " PayloadIdentifier " + identifier + " (installed: " + d.managed().profiles().stream()
                    .map(ManagedState.InstalledProfile::identifier).toList() + ")");
        }
        if (!p.managed()) {
            return DeviceErrors.error(DeviceErrors.PROFILE_NOT_MANAGED, DeviceErrors.MDM, "profile " + identifier
                    + " was installed by the user, not by the MDM");
        }
        d.managed().removeProfile(identifier);
        ManagedState.SingleAppMode sam = d.managed().singleAppMode();
        if (sam != null && sam.profileIdentifier().equals(identifier)) {
            d.managed().singleAppMode(null);
            ctx.trace().event("single-app-mode", Map.of("locked", false, "app", sam.app(), "profile", identifier));
        }
        return CommandReply.acknowledged();
    }

    // ---- reading a profile ------------------------------------------------------------------------------------

    /** A profile's top level and its payloads, decrypted and with the signature checked. */
    record Parsed(NSDictionary top, String identifier, String uuid, int version, boolean encrypted,
                  List<X509Certificate> signers, List<NSDictionary> payloads) {
    }

    static Parsed parse(Device d, byte[] bytes, List<Identity> decryptWith) throws Refused {
        List<X509Certificate> signers = List.of();
        byte[] plist = bytes;
        if (bytes.length > 0 && bytes[0] == 0x30) {
            try {
                SignedContent sc = Cms.verifyAttached(bytes, "profile signature");
                plist = sc.content();
                signers = List.of(sc.signer());
            } catch (RuntimeException e) {
                throw new Refused(DeviceErrors.PROFILE_BAD_SIGNATURE, DeviceErrors.PROFILE,
                        "the profile's signature does not verify: " + e.getMessage());
            }
        }
        NSDictionary top;
        try {
            top = Plist.parseDictionary(plist);
        } catch (PlistException e) {
            throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE,
                    "the profile is not a property list dictionary: " + e.getMessage());
        }
        PlistFields f = new PlistFields("profile", top);
        try {
            String type = f.string("PayloadType");
            if (!type.equals("Configuration")) {
                throw new Refused(DeviceErrors.PROFILE_UNSUPPORTED_VALUE, DeviceErrors.PROFILE,
                        "profile: PayloadType is " + type + " (expected: Configuration)");
            }
            String identifier = f.string("PayloadIdentifier");
            String uuid = f.string("PayloadUUID");
            long version = f.integer("PayloadVersion", -1);
            if (version != 1) {
                throw new Refused(version == -1 ? DeviceErrors.PROFILE_MISSING_FIELD : DeviceErrors.PROFILE_UNSUPPORTED_VALUE,
                        DeviceErrors.PROFILE, "profile: PayloadVersion is " + (version == -1 ? "missing" : version)
                        + " (expected: 1)");
            }
            byte[] encrypted = f.optionalData("EncryptedPayloadContent");
            List<NSObject> content;
            if (encrypted != null) {
                content = decrypt(encrypted, decryptWith);
            } else {
                content = f.array("PayloadContent");
            }
            if (content.isEmpty()) {
                throw new Refused(DeviceErrors.PROFILE_EMPTY, DeviceErrors.PROFILE,
                        "profile " + identifier + " has no payloads (expected: PayloadContent with at least one)");
            }
            List<NSDictionary> payloads = new ArrayList<>();
            Set<String> uuids = new HashSet<>();
            for (int i = 0; i < content.size(); i++) {
                if (!(content.get(i) instanceof NSDictionary p)) {
                    throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, "profile: PayloadContent["
                            + i + "] is " + PlistFields.typeName(content.get(i)) + " (expected: a payload dictionary)");
                }
                PlistFields pf = new PlistFields("profile: PayloadContent[" + i + "]", p);
                pf.string("PayloadType");
                pf.string("PayloadIdentifier");
                if (!uuids.add(pf.string("PayloadUUID"))) {
                    throw new Refused(DeviceErrors.PROFILE_DUPLICATE_UUID, DeviceErrors.PROFILE, "profile: PayloadContent[" + i + "] PayloadUUID "
                            + pf.string("PayloadUUID") + " is used twice (expected: unique payload UUIDs)");
                }
                if (pf.integer("PayloadVersion", -1) == -1) {
                    throw new Refused(DeviceErrors.PROFILE_MISSING_FIELD, DeviceErrors.PROFILE, "profile: PayloadContent["
                            + i + "] PayloadVersion is missing (expected: an integer)");
                }
                payloads.add(p);
            }
            return new Parsed(top, identifier, uuid, (int) version, encrypted != null, signers, payloads);
        } catch (PlistFields.FieldException e) {
            throw new Refused(e.getMessage().contains(" is missing") ? DeviceErrors.PROFILE_MISSING_FIELD
                    : DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, e.getMessage());
        }
    }

    /** EncryptedPayloadContent: CMS EnvelopedData to one of the device's identities, holding the payload array. */
    private static List<NSObject> decrypt(byte[] enveloped, List<Identity> identities) throws Refused {
        List<String> tried = new ArrayList<>();
        for (Identity id : identities) {
            try {
                NSObject content = Plist.parse(Cms.decrypt(enveloped, id.certificate(), id.privateKey()));
                if (content instanceof NSArray a) {
                    return List.of(a.getArray());
                }
                throw new Refused(DeviceErrors.MALFORMED_PROFILE, DeviceErrors.PROFILE, "profile: decrypted"
                        + " EncryptedPayloadContent is " + PlistFields.typeName(content) + " (expected: an array of payloads)");
            } catch (RuntimeException e) {
                tried.add(Certificates.name(id.certificate()));
            }
        }
        throw new Refused(DeviceErrors.PROFILE_CANNOT_DECRYPT, DeviceErrors.PROFILE, "profile: EncryptedPayloadContent"
                + " is not encrypted to any identity on the device (tried " + tried + ")");
    }

    /** The identities a profile may be encrypted to: the MDM identity, then those SCEP payloads installed. */
    private static List<Identity> identities(Device d) {
        List<Identity> out = new ArrayList<>();
        if (d.mdmIdentity() != null) {
            out.add(d.mdmIdentity());
        }
        for (ManagedState.InstalledProfile p : d.managed().profiles()) {
            out.addAll(p.identities().values());
        }
        return out;
    }

    private static ManagedState.InstalledProfile installed(Parsed parsed, boolean managed, boolean enrollment,
                                                           Map<String, Identity> identities,
                                                           List<X509Certificate> certificates, java.time.Instant at) {
        PlistFields f = new PlistFields("profile", parsed.top);
        List<ManagedState.PayloadSummary> summaries = new ArrayList<>();
        for (NSDictionary p : parsed.payloads) {
            PlistFields pf = new PlistFields("payload", p);
            summaries.add(new ManagedState.PayloadSummary(pf.string("PayloadType"), (int) pf.integer("PayloadVersion", 1),
                    pf.string("PayloadIdentifier"), pf.string("PayloadUUID"), text(pf, "PayloadDisplayName"),
                    text(pf, "PayloadDescription"), text(pf, "PayloadOrganization")));
        }
        boolean removalPasscode = parsed.payloads.stream().anyMatch(p -> p.objectForKey("PayloadType")
                instanceof NSString t && t.getContent().equals("com.apple.profileRemovalPassword"));
        return new ManagedState.InstalledProfile(parsed.identifier, parsed.uuid, parsed.version,
                text(f, "PayloadDisplayName"), text(f, "PayloadOrganization"), text(f, "PayloadDescription"),
                parsed.top.objectForKey("PayloadRemovalDisallowed") instanceof NSNumber n && n.isBoolean()
                        && n.boolValue(),
                removalPasscode, parsed.encrypted, parsed.signers, managed, enrollment, summaries, identities,
                certificates, at);
    }

    private static String text(PlistFields f, String key) {
        return f.dictionary().objectForKey(key) instanceof NSString s ? s.getContent() : null;
    }

    private static void putIfSet(NSDictionary d, String key, String value) {
        if (value != null) {
            d.put(key, value);
        }
    }
}
