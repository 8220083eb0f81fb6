package io.mdmsim.device.runtime;

import io.mdmsim.device.Stage;
import io.mdmsim.device.model.StageFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** One stage of a device's run. Steps run in order on the device's thread; a later issue inserts more of them. */
public interface Step {

    Stage stage();

    /** False to skip the stage for this device (it is then neither entered nor timed). */
    default boolean applies(DeviceContext ctx) {
        return true;
    }

    void run(DeviceContext ctx) throws StageFailure, InterruptedException;

    /**
     * A step that waits without holding a thread (a device idle between check-ins keeps no stack). {@link #start}
     * runs on the device's thread and returns at the step's first wait; the step ends later, on whatever thread woke
     * it, by calling {@code done} once: with null when it completed, a {@link StageFailure}, or an
     * {@link InterruptedException} when it was stopped. The runner goes on with the next step on that thread.
     */
    interface Parking extends Step {

        void start(DeviceContext ctx, Consumer<Exception> done);

        /** The step on the calling thread: started, then waited for. */
        @Override
        default void run(DeviceContext ctx) throws StageFailure, InterruptedException {
            CompletableFuture<Exception> end = new CompletableFuture<>();
            start(ctx, end::complete);
            Exception e;
            try {
                e = end.get();
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible.getCause());
            }
            if (e instanceof StageFailure f) {
                throw f;
            }
            if (e instanceof InterruptedException i) {
                throw i;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }
}
