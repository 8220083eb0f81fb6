package io.mdmsim.scenarios.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The world a scenario's devices meet: the fake ABM (always ours) and the MDM (the reference MDM in this JVM, the
 * reference MDM as a separate process, or a system under test at a URL).
 */
public record World(Abm abm, Mdm mdm) {

    public World {
        requireNonNull(abm, "abm");
        requireNonNull(mdm, "mdm");
    }

    /**
     * The fake ABM.
     *
     * @param organizations    the organizations, the first the default one (empty: ABM's default organization)
     * @param devices          inventory size drawn from the seed; null: made from the populations
     * @param inventory        a CSV to import, or null
     * @param devicesPerMinute Apple's pace per MDM server; 0 = unlimited
     * @param mdmServers       the MDM servers (at least one)
     * @param settings         runtime settings for {@code PUT /admin/settings}, or null
     * @param port             its port on 127.0.0.1, 0 for any free one
     */
    public record Abm(List<Organization> organizations, Integer devices, Path inventory, int devicesPerMinute,
                      List<MdmServer> mdmServers, JsonNode settings, int port) {
        public Abm {
            organizations = List.copyOf(organizations);
            mdmServers = List.copyOf(mdmServers);
        }

        /** The MDM server of that name, or null. */
        public MdmServer server(String name) {
            return mdmServers.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }
    }

    /** An ABM organization: its name and the rest of what POST /admin/organizations takes, as written. */
    public record Organization(String name, JsonNode details) {
        public Organization {
            requireNonNull(name, "name");
            requireNonNull(details, "details");
        }
    }

    /**
     * An MDM server in the fake ABM.
     *
     * @param name             its name
     * @param organization     the organization it belongs to, by name; null for the first
     * @param assignAll        assign every device of the inventory
     * @param assignCount      assign this many devices (null: not by count)
     * @param assignPopulations assign the devices of these populations (empty: not by population)
     * @param devicesPerMinute its own pace, null for the ABM's
     * @param certificate      a real MDM's certificate (PEM file), or null for the reference MDM's key
     * @param tokenOut         where its token goes for a real MDM, or null
     * @param where            where it is written
     */
    public record MdmServer(String name, String organization, boolean assignAll, Integer assignCount, List<String> assignPopulations,
                            Integer devicesPerMinute, Path certificate, Path tokenOut, Where where) {
        public MdmServer {
            requireNonNull(name, "name");
            assignPopulations = List.copyOf(assignPopulations);
        }
    }

    /**
     * The MDM.
     *
     * @param url             a system under test; null: the reference MDM
     * @param process         start the reference MDM as a separate {@code mdmsim mdm} process
     * @param depSyncInterval the reference MDM's scheduled delta sync, null for the clock's default
     * @param https           enrollment over HTTPS
     * @param tokens          enrollment program tokens to add
     * @param policy          the enrollment policy ({@code PUT /admin/policy}), or null
     * @param vppTokens       VPP tokens, each the JSON of {@code POST /admin/vpp-tokens} with expiry still as written
     */
    public record Mdm(URI url, boolean process, Duration depSyncInterval, boolean https, List<Token> tokens,
                      JsonNode policy, List<VppToken> vppTokens) {
        public Mdm {
            tokens = List.copyOf(tokens);
            vppTokens = List.copyOf(vppTokens);
        }

        /** True when the MDM is the reference MDM we start and may drive over its admin API. */
        public boolean ours() {
            return url == null;
        }
    }

    /** An enrollment program token of an MDM server, uploaded with an Apple ID, with its profiles. */
    public record Token(String mdmServer, String appleId, List<Profile> profiles, Where where) {
        public Token {
            requireNonNull(mdmServer, "mdmServer");
            requireNonNull(appleId, "appleId");
            profiles = List.copyOf(profiles);
        }
    }

    /**
     * An enrollment profile.
     *
     * @param name      its name
     * @param isDefault the token's default profile
     * @param assign    populations whose devices get it
     * @param settings  the profile JSON the MDM takes (every seeds setting as written)
     * @param where     where it is written
     */
    public record Profile(String name, boolean isDefault, List<String> assign, JsonNode settings, Where where) {
        public Profile {
            requireNonNull(name, "name");
            assign = List.copyOf(assign);
            requireNonNull(settings, "settings");
        }
    }

    /** A VPP token: name, organization, expiry (a date, an instant, or +/-duration from the start), licences. */
    public record VppToken(String name, String organization, String expiry, int companyPortalLicenses, Where where) {
    }
}
