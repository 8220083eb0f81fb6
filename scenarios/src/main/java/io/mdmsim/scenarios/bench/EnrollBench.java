package io.mdmsim.scenarios.bench;

import io.mdmsim.scenarios.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mdmsim bench enroll}. */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Full ADE enrollments through the three parts: each device fetches its cloud configuration from"
                + " the fake ABM, posts MachineInfo to the MDM, enrolls by SCEP, sends Authenticate and TokenUpdate,"
                + " answers DeviceInformation and receives DeviceConfigured. The fake ABM's devices are assigned and"
                + " synced by the MDM first (not measured). Exits 1 if a measured device did not enroll."})
final class EnrollBench implements Callable<Integer> {

    @Mixin
    EnrollRun run;

    @Mixin
    BenchOptions common;

    @Override
    public Integer call() throws Exception {
        return run.run(common, false, common.spec.commandLine().getOut()) ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }
}
