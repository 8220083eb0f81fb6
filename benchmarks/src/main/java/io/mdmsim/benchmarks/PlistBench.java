package io.mdmsim.benchmarks;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;
import io.mdmsim.core.protocol.CheckinCodec;
import io.mdmsim.core.protocol.CheckinMessage;
import io.mdmsim.core.protocol.Command;
import io.mdmsim.core.protocol.CommandResult;
import io.mdmsim.core.protocol.Commands;
import io.mdmsim.core.protocol.TokenUpdate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Plist decode and encode as the check-in and command paths do them: XML plists of typical size. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PlistBench {

    private final byte[] tokenUpdate = CheckinCodec.encode(new TokenUpdate("com.apple.mgmt.External.bench",
            Fixtures.UDID, null, new byte[32], "6F2C2E48-2C0B-4B8A-9B52-7D7B3E0C9A11", new byte[64], true, null, null,
            null, null, null, null));
    private final Command command = Commands.deviceInformation("8C2A9E0A-3B1F-4C8E-9F2D-1A2B3C4D5E6F",
            List.of("DeviceName", "OSVersion", "BuildVersion", "ModelName", "SerialNumber", "IsSupervised"));
    private final byte[] answer = answer();
    private final NSDictionary answerDictionary = Plist.parseDictionary(answer);

    private byte[] answer() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("DeviceName", "iPhone");
        info.put("OSVersion", "18.2");
        info.put("BuildVersion", "22C152");
        info.put("ModelName", "iPhone");
        info.put("SerialNumber", Fixtures.SERIAL);
        info.put("IsSupervised", true);
        return CommandResult.acknowledged(Fixtures.UDID, command.commandUuid(), Map.of("QueryResponses", info))
                .toXml();
    }

    @Benchmark
    public CheckinMessage decodeTokenUpdate() {
        return CheckinCodec.decode(tokenUpdate);
    }

    @Benchmark
    public CommandResult decodeDeviceInformationAnswer() {
        return CommandResult.parse(answer);
    }

    @Benchmark
    public byte[] encodeCommand() {
        return Plist.toXml(command.toDictionary());
    }

    @Benchmark
    public byte[] encodeAnswer() {
        return Plist.toXml(answerDictionary);
    }
}
