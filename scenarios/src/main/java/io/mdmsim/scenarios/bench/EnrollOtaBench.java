package io.mdmsim.scenarios.bench;

import io.mdmsim.scenarios.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mdmsim bench enroll-ota}. */
@Command(name = "enroll-ota", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Over-the-air enrollments into the MDM, no fake ABM: each device downloads the enrollment"
                + " profile (GET /mdm/enroll mints its one-time challenge), enrolls by SCEP, sends Authenticate and"
                + " TokenUpdate. Exits 1 if a measured device did not enroll."})
final class EnrollOtaBench implements Callable<Integer> {

    @Mixin
    EnrollRun run;

    @Mixin
    BenchOptions common;

    @Override
    public Integer call() throws Exception {
        return run.run(common, true, common.spec.commandLine().getOut()) ? Main.EXIT_OK : Main.EXIT_EXPECTATION_FAILED;
    }
}
