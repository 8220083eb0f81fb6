package io.mdmsim.mdm.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store of a server without a data directory: maps in memory, gone with the process. Each device has its own
 * monitor; nothing else is shared between devices.
 */
final class InMemoryMdmStore implements MdmStore {

    /** Everything stored; a {@link #reopen()}ed store sees the same data, as a restarted server sees its disk. */
    private static final class Data {
        final Map<String, String> meta = new ConcurrentHashMap<>();
        final Map<String, DeviceEntry> devices = new ConcurrentHashMap<>();
        final Map<String, StoredBindings.Binding> bindings = new ConcurrentHashMap<>();
        final Map<String, StoredChallenges.Challenge> challenges = new ConcurrentHashMap<>();
        final TreeMap<String, StoredDeclarations.Declaration> declarations = new TreeMap<>();
        Instant declarationsChangedAt;
        final LinkedHashMap<String, StoredDep.Token> tokens = new LinkedHashMap<>();
        final Map<String, LinkedHashMap<String, StoredDep.Device>> depDevices = new LinkedHashMap<>();
        final LinkedHashMap<String, StoredDep.Flow> flows = new LinkedHashMap<>();
        String policySettings;
        final LinkedHashMap<StoredPolicy.Member, Boolean> policyMembers = new LinkedHashMap<>();
    }

    private static final class DeviceEntry {
        StoredDevices.Device device;
        final Map<String, StoredDevices.Command> commands = new LinkedHashMap<>();
    }

    private final Data data;
    private volatile boolean closed;

    InMemoryMdmStore() {
        this(new Data());
    }

    private InMemoryMdmStore(Data data) {
        this.data = data;
    }

    /** A new store over the same data, as after a restart (this one should be closed first). */
    InMemoryMdmStore reopen() {
        return new InMemoryMdmStore(data);
    }

    private void open() {
        if (closed) {
            throw new StoreException("the in-memory store is closed");
        }
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
    }

    private final StoredMeta meta = new StoredMeta() {
        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(data.meta.get(requireNonNull(key, "key")));
        }

        @Override
        public void put(String key, String value) {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
            open();
            data.meta.put(key, value);
        }

        @Override
        public Map<String, String> all() {
            return Map.copyOf(data.meta);
        }
    };

    private final StoredDevices devices = new StoredDevices() {
        @Override
        public void save(Device device, List<Command> changedCommands) {
            requireNonNull(device, "device");
            for (Command c : changedCommands) {
                Stores.requireSameOwner(device.enrollmentId(), c.enrollmentId(), "command " + c.commandUuid());
            }
            open();
            DeviceEntry e = data.devices.computeIfAbsent(device.enrollmentId(), k -> new DeviceEntry());
            synchronized (e) {
                e.device = device;
                for (Command c : changedCommands) {
                    e.commands.put(c.commandUuid(), c);
                }
            }
        }

        @Override
        public List<Loaded> loadAll() {
            List<Loaded> out = new ArrayList<>();
            for (String id : new TreeMap<>(data.devices).keySet()) {
                DeviceEntry e = data.devices.get(id);
                synchronized (e) {
                    List<Command> commands = new ArrayList<>(e.commands.values());
                    commands.sort(Comparator.comparingLong(Command::seq));
                    out.add(new Loaded(e.device, commands));
                }
            }
            return out;
        }

        @Override
        public int count() {
            return data.devices.size();
        }
    };

    private final StoredBindings bindings = new StoredBindings() {
        @Override
        public void put(Binding binding) {
            requireNonNull(binding, "binding");
            open();
            data.bindings.put(binding.fingerprint(), binding);
        }

        @Override
        public List<Binding> loadAll() {
            return new TreeMap<>(data.bindings).values().stream().toList();
        }
    };

    private final StoredChallenges challenges = new StoredChallenges() {
        @Override
        public void put(Challenge challenge) {
            requireNonNull(challenge, "challenge");
            open();
            data.challenges.put(challenge.digest(), challenge);
        }

        @Override
        public void forgetExpiredBefore(Instant horizon) {
            requireNonNull(horizon, "horizon");
            open();
            data.challenges.values().removeIf(c -> c.expiresAt().isBefore(horizon));
        }

        @Override
        public List<Challenge> loadAll() {
            return new TreeMap<>(data.challenges).values().stream().toList();
        }
    };

    private final StoredDeclarations declarations = new StoredDeclarations() {
        @Override
        public void put(Declaration declaration, Instant changedAt) {
            requireNonNull(declaration, "declaration");
            requireNonNull(changedAt, "changedAt");
            open();
            synchronized (data.declarations) {
                data.declarations.put(declaration.identifier(), declaration);
                data.declarationsChangedAt = changedAt;
            }
        }

        @Override
        public void remove(String identifier, Instant changedAt) {
            requireNonNull(identifier, "identifier");
            requireNonNull(changedAt, "changedAt");
            open();
            synchronized (data.declarations) {
                data.declarations.remove(identifier);
                data.declarationsChangedAt = changedAt;
            }
        }

        @Override
        public Loaded load() {
            synchronized (data.declarations) {
                return new Loaded(List.copyOf(data.declarations.values()), data.declarationsChangedAt);
            }
        }
    };

    private final StoredDep dep = new StoredDep() {
        @Override
        public void save(Token token, List<Device> changedDevices) {
            requireNonNull(token, "token");
            for (Device d : changedDevices) {
                Stores.requireSameOwner(token.name(), d.token(), "serial number " + d.serialNumber());
            }
            open();
            synchronized (data.tokens) {
                data.tokens.put(token.name(), token);
                LinkedHashMap<String, Device> serials = data.depDevices.computeIfAbsent(token.name(),
                        k -> new LinkedHashMap<>());
                for (Device d : changedDevices) {
                    if (d.isEmpty()) {
                        serials.remove(d.serialNumber());
                    } else {
                        serials.put(d.serialNumber(), d);
                    }
                }
            }
        }

        @Override
        public void delete(String tokenName) {
            requireNonNull(tokenName, "tokenName");
            open();
            synchronized (data.tokens) {
                data.tokens.remove(tokenName);
                data.depDevices.remove(tokenName);
            }
        }

        @Override
        public void saveFlow(Flow flow) {
            requireNonNull(flow, "flow");
            open();
            synchronized (data.tokens) {
                data.flows.put(flow.id(), flow);
            }
        }

        @Override
        public Loaded load() {
            synchronized (data.tokens) {
                List<Device> devices = new ArrayList<>();
                for (String name : data.tokens.keySet()) {
                    devices.addAll(data.depDevices.getOrDefault(name, new LinkedHashMap<>()).values());
                }
                return new Loaded(List.copyOf(data.tokens.values()), devices, List.copyOf(data.flows.values()));
            }
        }
    };

    private final StoredPolicy policy = new StoredPolicy() {
        @Override
        public Commit submit(String settingsJson, List<String> clearedSets, List<Member> removed,
                List<Member> added) {
            requireNonNull(clearedSets, "clearedSets");
            requireNonNull(added, "added");
            requireNonNull(removed, "removed");
            open();
            synchronized (data.policyMembers) {
                if (settingsJson != null) {
                    data.policySettings = settingsJson;
                }
                data.policyMembers.keySet().removeIf(m -> clearedSets.contains(m.set()));
                removed.forEach(data.policyMembers::remove);
                added.forEach(m -> data.policyMembers.putIfAbsent(m, Boolean.TRUE));
            }
            return Commit.DONE;
        }

        @Override
        public Loaded load() {
            synchronized (data.policyMembers) {
                return new Loaded(data.policySettings, List.copyOf(data.policyMembers.keySet()));
            }
        }
    };

    @Override
    public StoredMeta meta() {
        return meta;
    }

    @Override
    public StoredDevices devices() {
        return devices;
    }

    @Override
    public StoredBindings bindings() {
        return bindings;
    }

    @Override
    public StoredChallenges challenges() {
        return challenges;
    }

    @Override
    public StoredDeclarations declarations() {
        return declarations;
    }

    @Override
    public StoredDep dep() {
        return dep;
    }

    @Override
    public StoredPolicy policy() {
        return policy;
    }
}
