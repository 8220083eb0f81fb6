package io.mdmsim.device.enroll;

import static java.util.Objects.requireNonNull;

import io.mdmsim.device.Stage;
import io.mdmsim.device.managed.CommandSession;
import io.mdmsim.device.model.Device;
import io.mdmsim.device.model.StageFailure;
import io.mdmsim.device.model.UserAgent;
import io.mdmsim.device.net.DeviceHttp;
import io.mdmsim.device.runtime.DeviceContext;
import io.mdmsim.device.runtime.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Over-the-air enrollment into an MDM the device has never seen (no Apple cloud configuration, no MachineInfo): the
 * enrollment profile from a URL or a file, then the same SCEP, Authenticate and TokenUpdate steps as automated device
 * enrollment (not awaiting configuration), then one command session until the server's empty reply.
 */
public final class OtaEnrollment {

    private OtaEnrollment() {
    }

    /**
     * The steps for a fleet whose devices install the profile at {@code source}. A file: URI is read here, once, for
     * the whole fleet; an http(s) URL is fetched by each device.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    public static List<Step> steps(URI source) {
        requireNonNull(source, "source");
        byte[] fileBytes = null;
        if ("file".equalsIgnoreCase(source.getScheme())) {
            try {
                fileBytes = Files.readAllBytes(Path.of(source));
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("enrollmentProfile: cannot read " + source + ": " + e, e);
            }
        }
        List<Step> steps = new ArrayList<>();
        steps.add(new Download(source, fileBytes));
        steps.add(new EnrollmentSteps.ScepEnrollment());
        steps.add(new EnrollmentSteps.AuthenticateStep());
        steps.add(new EnrollmentSteps.TokenUpdateStep());
        steps.add(new FirstSession());
        return List.copyOf(steps);
    }

    /** The user opens the profile (Safari download or a file) and installs it: PROFILE stage, "Invalid Profile" on a bad one. */
    static final class Download implements Step {
        private final URI source;
        private final byte[] fileBytes;

        Download(URI source, byte[] fileBytes) {
            this.source = source;
            this.fileBytes = fileBytes;
        }

        @Override
        public Stage stage() {
            return Stage.PROFILE;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            Device d = ctx.device();
            byte[] bytes = fileBytes;
            if (bytes == null) {
                DeviceHttp.Response r = ctx.http().get(source, UserAgent.with(d, Map.of()));
                if (r.status() == 403) {
                    throw MachineInfoStep.refused(d, r, Stage.PROFILE);
                }
                if (!r.ok()) {
                    throw StageFailure.failed("cannot download the enrollment profile: " + r.describe());
                }
                if (!r.mediaType().equals(EnrollmentSteps.PROFILE_TYPE)) {
                    throw StageFailure.failed(r.method() + " " + r.uri() + " answered 200 with Content-Type "
                            + r.contentType() + " (expected: " + EnrollmentSteps.PROFILE_TYPE + ")");
                }
                bytes = r.body();
            }
            d.profileBytes(bytes.clone());
            new EnrollmentSteps.Profile().run(ctx);
        }
    }

    /** After TokenUpdate the device connects to ServerURL once and answers commands until the empty reply. */
    static final class FirstSession implements Step {
        @Override
        public Stage stage() {
            return Stage.AWAITING_CONFIGURATION;
        }

        @Override
        public void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            CommandSession.run(ctx);
            ctx.device().firstSessionDone(true);
        }
    }
}
