package io.mdmsim.device.commands;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.plist.PlistException;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.device.model.CommandReply;
import io.mdmsim.device.model.CompanyPortalApp;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.DeviceErrors;
import io.mdmsim.device.model.ManagedState;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.model.Versions;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.runtime.DeviceContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InstallApplication, InstalledApplicationList, ManagedApplicationList, RemoveApplication, InviteToProgram (ADM
 * mdm/commands/application.*.yaml). An install takes download and installation time on the SimClock; until it ends
 * the app is listed as Installing.
 */
final class AppHandlers {

    /** Download speed of a virtual device's network, bits per second. */
    static final long DOWNLOAD_BITS_PER_SECOND = 50_000_000L;

    private AppHandlers() {
    }

    /**
     * ADM application.install.yaml: while Setup Assistant runs, iOS before 16 answers NotNow to
     * every install; iOS 16 and later installs only device-licensed VPP apps (PurchaseMethod 1) and enterprise apps
     * (ManifestURL) and answers NotNow to the rest.
     */
    static boolean installWaitsForSetupAssistant(Device d, Long purchaseMethod, String manifestUrl) {
        if (!d.awaitingConfiguration()) {
            return false;
        }
        if (!d.osAtLeast(16, 0)) {
            return true;
        }
        return manifestUrl == null && (purchaseMethod == null || purchaseMethod != 1);
    }

    // mdm/commands/application.install.yaml
    static CommandReply installApplication(DeviceContext ctx, Command c)
            throws CommandHandler.CommandFormatException, InterruptedException {
        Device d = ctx.device();
        Long storeId = CommandFields.optionalInteger(c, "iTunesStoreID");
        String identifier = CommandFields.optionalString(c, "Identifier");
        String manifestUrl = CommandFields.optionalString(c, "ManifestURL");
        NSDictionary options = CommandFields.optionalDictionary(c, "Options");
        Long purchaseMethod = options == null ? null : CommandFields.optionalInteger("InstallApplication Options",
                options, "PurchaseMethod");
        long flags = CommandFields.optionalInteger(c, "ManagementFlags") == null ? 0
                : CommandFields.optionalInteger(c, "ManagementFlags");
        NSDictionary configuration = CommandFields.optionalDictionary(c, "Configuration");
        NSDictionary attributes = CommandFields.optionalDictionary(c, "Attributes");
        String changeState = CommandFields.optionalString(c, "ChangeManagementState");
        if (storeId == null && identifier == null && manifestUrl == null) {
            throw new CommandHandler.CommandFormatException("InstallApplication has none of iTunesStoreID, Identifier"
                    + " and ManifestURL (expected: one of them)");
        }
        if (changeState != null && !changeState.equals("Managed")) {
            throw new CommandHandler.CommandFormatException("InstallApplication ChangeManagementState is " + changeState
                    + " (expected: Managed)");
        }
        if (purchaseMethod != null && purchaseMethod != 0 && purchaseMethod != 1) {
            throw new CommandHandler.CommandFormatException("InstallApplication Options PurchaseMethod is "
                    + purchaseMethod + " (expected: 0 or 1)");
        }
        if (installWaitsForSetupAssistant(d, purchaseMethod, manifestUrl)) {
            return CommandReply.notNow();
        }
        String name;
        String version = "1.0";
        if (manifestUrl != null) {
            Manifest m = manifest(ctx, manifestUrl);
            if (m.error != null) {
                return DeviceErrors.error(DeviceErrors.INSTALL_FAILED, DeviceErrors.INSTALLATION, m.error);
            }
            identifier = m.bundleId;
            name = m.title;
            version = m.version;
        } else if (CompanyPortalApp.is(storeId, identifier)) {
            identifier = CompanyPortalApp.BUNDLE_ID; // the App Store resolves ID 719171358 to it
            name = "Company Portal";
        } else {
            if (identifier == null) {
                identifier = "com.example.store.app" + storeId; // the App Store would resolve the bundle ID
            }
            String last = identifier.substring(identifier.lastIndexOf('.') + 1);
            name = last.isEmpty() ? identifier : Character.toUpperCase(last.charAt(0)) + last.substring(1);
        }
        Instant now = ctx.clock().now();
        ManagedState.App existing = d.managed().app(identifier);
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("Identifier", new NSString(identifier));
        if (existing != null && existing.installing(now)) {
            result.put("State", new NSString(existing.state(now)));
            result.put("RejectionReason", new NSString("AppAlreadyQueued"));
            return CommandReply.acknowledged(result);
        }
        long size = existing != null ? existing.bundleSize() : (20 + ctx.random().nextInt(380)) * 1_000_000L;
        Duration download = Duration.ofMillis(size * 8 * 1000 / DOWNLOAD_BITS_PER_SECOND);
        Duration install = Duration.ofSeconds(5 + ctx.random().nextInt(15));
        ManagedState.App app = new ManagedState.App(identifier, name, version, version, size,
                existing != null ? existing.dynamicSize() : size / 10, true, storeId, manifestUrl, (int) flags,
                configuration, attributes, now, now.plus(download).plus(install));
        d.managed().app(app);
        if (identifier.equals(CompanyPortalApp.BUNDLE_ID)) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("readyAt", app.readyAt().toString());
            event.put("serviceUrl", configuration != null && configuration.objectForKey(CompanyPortalApp.SERVICE_URL)
                    instanceof NSString u ? u.getContent() : null);
            ctx.trace().event("company-portal-installed", event);
        }
        result.put("State", new NSString("Queued"));
        return CommandReply.acknowledged(result);
    }

    private record Manifest(String bundleId, String title, String version, String error) {
    }

    /** An enterprise app's manifest: a plist {items: [{metadata: {bundle-identifier, bundle-version, title}}]}. */
    private static Manifest manifest(DeviceContext ctx, String url) throws InterruptedException {
        URI uri;
        try {
            uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an absolute URL");
            }
        } catch (URISyntaxException e) {
            return new Manifest(null, null, null, "ManifestURL " + url + " is not a URL (" + e.getReason() + ")");
        }
        DeviceHttp.Response r;
        try {
            r = ctx.http().get(uri, Map.of());
        } catch (StageFailure f) {
            return new Manifest(null, null, null, "could not download the app manifest: " + f.reason());
        }
        if (!r.ok()) {
            return new Manifest(null, null, null, "could not download the app manifest: " + r.describe());
        }
        try {
            NSDictionary top = Plist.parseDictionary(r.body());
            if (top.objectForKey("items") instanceof NSArray items && items.count() > 0
                    && items.objectAtIndex(0) instanceof NSDictionary item
                    && item.objectForKey("metadata") instanceof NSDictionary meta
                    && meta.objectForKey("bundle-identifier") instanceof NSString id) {
                String title = meta.objectForKey("title") instanceof NSString t ? t.getContent() : id.getContent();
                String version = meta.objectForKey("bundle-version") instanceof NSString v ? v.getContent() : "1.0";
                return new Manifest(id.getContent(), title, version, null);
            }
            return new Manifest(null, null, null, "the app manifest at " + url
                    + " has no items[0].metadata.bundle-identifier");
        } catch (PlistException e) {
            return new Manifest(null, null, null, "the app manifest at " + url + " is not a plist: " + e.getMessage());
        }
    }

    private static final Set<String> ITEMS = Set.of("AdHocCodeSigned", "AppStoreVendable", "BetaApp", "BundleSize",
            "DeviceBasedVPP", "DistributorIdentifier", "DynamicSize", "ExternalVersionIdentifier", "HasUpdateAvailable",
            "Identifier", "Installing", "IsAppClip", "IsValidated", "Name", "ShortVersion", "Version");

    // mdm/commands/application.installed.list.yaml
    static CommandReply installedApplicationList(DeviceContext ctx, Command c)
            throws CommandHandler.CommandFormatException {
        Device d = ctx.device();
        List<String> identifiers = CommandFields.optionalStrings(c, "Identifiers");
        boolean managedOnly = CommandFields.bool(c, "ManagedAppsOnly", false);
        List<String> items = CommandFields.optionalStrings(c, "Items");
        if (items != null) {
            for (String item : items) {
                if (!ITEMS.contains(item)) {
                    throw new CommandHandler.CommandFormatException("InstalledApplicationList Items holds " + item
                            + " (expected: one of " + ITEMS.stream().sorted().toList() + ")");
                }
            }
        }
        Instant now = ctx.clock().now();
        java.util.List<NSObject> out = new java.util.ArrayList<>();
        for (ManagedState.App a : d.managed().apps()) {
            if ((identifiers != null && !identifiers.contains(a.identifier())) || (managedOnly && !a.managed())) {
                continue;
            }
            NSDictionary e = new NSDictionary();
            e.put("Identifier", a.identifier());
            e.put("Name", a.name());
            e.put("Version", a.version());
            e.put("ShortVersion", a.shortVersion());
            e.put("BundleSize", a.bundleSize());
            e.put("DynamicSize", a.installing(now) ? 0 : a.dynamicSize());
            e.put("Installing", a.installing(now));
            if (d.osAtLeast(9, 2)) {
                e.put("IsValidated", a.manifestUrl() == null || !a.installing(now));
            }
            if (d.osAtLeast(11, 3)) {
                e.put("AppStoreVendable", a.manifestUrl() == null);
                e.put("DeviceBasedVPP", a.manifestUrl() == null);
                e.put("BetaApp", false);
                e.put("AdHocCodeSigned", false);
                e.put("HasUpdateAvailable", false);
            }
            if (d.osAtLeast(11, 0) && a.iTunesStoreId() != null) {
                e.put("ExternalVersionIdentifier", 800_000_000L + Math.floorMod(a.identifier().hashCode(), 99_999_999));
            }
            if (d.osAtLeast(16, 0)) {
                e.put("IsAppClip", false);
            }
            if (Versions.atLeast(d.spec().osVersion(), "17.4") && a.manifestUrl() == null) {
                e.put("DistributorIdentifier", "com.apple.AppStore");
            }
            if (items != null) {
                e.keySet().retainAll(items);
            }
            out.add(e);
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("InstalledApplicationList", new NSArray(out.toArray(NSObject[]::new)));
        return CommandReply.acknowledged(result);
    }

    // mdm/commands/application.managed.list.yaml
    static CommandReply managedApplicationList(DeviceContext ctx, Command c)
            throws CommandHandler.CommandFormatException {
        Device d = ctx.device();
        List<String> identifiers = CommandFields.optionalStrings(c, "Identifiers");
        Instant now = ctx.clock().now();
        NSDictionary list = new NSDictionary();
        for (ManagedState.App a : d.managed().apps()) {
            if (!a.managed() || (identifiers != null && !identifiers.contains(a.identifier()))) {
                continue;
            }
            NSDictionary e = new NSDictionary();
            e.put("Status", a.state(now));
            e.put("ManagementFlags", a.managementFlags());
            e.put("HasConfiguration", a.configuration() != null);
            e.put("HasFeedback", false);
            if (d.osAtLeast(9, 2)) {
                e.put("IsValidated", !a.installing(now));
            }
            if (Versions.atLeast(d.spec().osVersion(), "10.3") && a.iTunesStoreId() != null) {
                e.put("ExternalVersionIdentifier", 800_000_000L + Math.floorMod(a.identifier().hashCode(), 99_999_999));
            }
            list.put(a.identifier(), e);
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("ManagedApplicationList", list);
        return CommandReply.acknowledged(result);
    }

    // mdm/commands/application.remove.yaml
    static CommandReply removeApplication(Device d, Command c) throws CommandHandler.CommandFormatException {
        String identifier = CommandFields.requiredString(c, "Identifier");
        ManagedState.App app = d.managed().app(identifier);
        if (app == null || !app.managed()) {
            return DeviceErrors.error(DeviceErrors.APP_NOT_MANAGED, DeviceErrors.MDM, "app " + identifier
                    + " is not a managed app on this device (managed: " + d.managed().apps().stream()
                    .filter(ManagedState.App::managed).map(ManagedState.App::identifier).toList() + ")");
        }
        d.managed().removeApp(identifier);
        return CommandReply.acknowledged();
    }

    // mdm/commands/application.invitetoprogram.yaml: NotNow until the user leaves Setup Assistant.
    static CommandReply inviteToProgram(Device d, Command c) throws CommandHandler.CommandFormatException {
        String program = CommandFields.requiredString(c, "ProgramID");
        CommandFields.requiredString(c, "InvitationURL");
        if (d.awaitingConfiguration()) {
            return CommandReply.notNow();
        }
        Map<String, NSObject> result = new LinkedHashMap<>();
        result.put("InvitationResult", new NSString(program.equals("com.apple.cloudvpp") ? "Acknowledged"
                : "InvalidProgramID"));
        return CommandReply.acknowledged(result);
    }
}
