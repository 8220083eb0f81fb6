package io.mdmsim.mdm.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread that uses the database connection. Callers hand it work and wait; it takes whatever is queued
 * (up to {@value #MAX_BATCH} pieces), runs each in its own savepoint of one transaction and commits them together,
 * so many devices' writes share one sync to disk and none waits for another's work, only for that commit. A piece
 * that fails is rolled back alone and its caller gets the error; the others are committed.
 */
final class GroupCommit implements AutoCloseable {

    static final int MAX_BATCH = 512;

    /** Work on the connection, run on the writer thread. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection db) throws SQLException, InterruptedException;
    }

    private static final class Task<T> {
        final String what;
        final Work<T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;

        Task(String what, Work<T> work) {
            this.what = what;
            this.work = work;
        }

        void run(Connection db) throws SQLException, InterruptedException {
            result = work.run(db);
        }

        /** Called once the transaction that ran this is committed. */
        void committed() {
            done.complete(result);
        }
    }

    private static final Task<Void> STOP = new Task<>("stop", db -> null);

    private final String name;
    private final Connection db;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread writer;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

    GroupCommit(String name, Connection db) throws SQLException {
        this.name = name;
        this.db = db;
        db.setAutoCommit(false);
        this.writer = Thread.ofPlatform().daemon().name("mdm-store-writer").start(this::loop);
    }

    /**
     * Runs {@code work} on the writer thread and returns when its transaction is committed.
     *
     * @throws StoreException if the work or the commit failed (then nothing of it was written), or the store is
     *     closed
     */
    <T> T run(String what, Work<T> work) {
        return await(what, enqueue(what, work));
    }

    /**
     * Queues {@code work} behind everything queued before and returns at once; {@link Commit#await()} returns when
     * its transaction is committed.
     */
    Commit submit(String what, Work<?> work) {
        Task<?> task = enqueue(what, work);
        return () -> await(what, task);
    }

    private <T> Task<T> enqueue(String what, Work<T> work) {
        if (closing.get()) {
            throw new StoreException(name + ": cannot " + what + ": the store is closed");
        }
        Task<T> task = new Task<>(what, work);
        queue.add(task);
        return task;
    }

    private <T> T await(String what, Task<T> task) {
        try {
            return task.done.join(); // not interruptible: a caller must know whether its write is on disk
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException s) {
                throw s;
            }
            throw new StoreException(name + ": cannot " + what + ": " + cause.getMessage(), cause);
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stop = batch.remove(STOP);
            runBatch(batch);
        }
        // a task that slipped in while closing is refused rather than left waiting
        for (Task<?> t; (t = queue.poll()) != null; ) {
            t.done.completeExceptionally(new StoreException(name + ": cannot " + t.what + ": the store is closed"));
        }
        try {
            db.close();
        } catch (SQLException e) {
            System.getLogger(GroupCommit.class.getName()).log(System.Logger.Level.WARNING,
                    "closing " + name + ": " + e.getMessage());
        }
    }

    private void runBatch(List<Task<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Task<?>> ran = new ArrayList<>(batch.size());
        try {
            for (Task<?> t : batch) {
                Savepoint sp = db.setSavepoint();
                try {
                    t.run(db);
                    db.releaseSavepoint(sp);
                    ran.add(t);
                } catch (SQLException | InterruptedException | RuntimeException e) {
                    db.rollback(sp);
                    db.releaseSavepoint(sp);
                    t.done.completeExceptionally(e);
                }
            }
            db.commit();
            commits.incrementAndGet();
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            StoreException failed = new StoreException(name + ": commit failed: " + e.getMessage(), e);
            for (Task<?> t : batch) {
                t.done.completeExceptionally(failed);
            }
            return;
        }
        for (Task<?> t : ran) {
            t.committed(); // callers see their result only now that it is on disk
        }
    }

    /** How many transactions were committed (tests). */
    long commits() {
        return commits.get();
    }

    /** How many pieces of work wait for the writer (tests). */
    int queued() {
        return queue.size();
    }

    /** Finishes what is queued, commits it and closes the connection. */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            queue.add(STOP);
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
