package io.mdmsim.device.net;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.time.SimClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What wakes an idle device: a push delivered on its APNs channel, or the end of a wait on the SimClock. The push
 * channel's reader thread posts pushes. A device either waits on its thread ({@link #await}, while it enrolls) or holds
 * no thread at all and leaves a listener ({@link #listenUnlessPending}) that a push calls (in its managed life). A
 * ReentrantLock, not synchronized, so a waiting virtual thread does not pin its carrier.
 */
public final class Wakeup {

    /** A push as the APNs channel delivered it: the payload's {@code mdm} value is the PushMagic to check. */
    public record Push(String apnsId, String topic, String pushMagic) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Made on the first push: most idle devices never hold one. */
    private Deque<Push> pushes;
    private long timerGeneration;
    private long firedGeneration = -1;
    /** Called once by the next push, then forgotten; null while the device is awake or waits on its thread. */
    private Runnable listener;

    /** Called by the push channel's thread. Only the last undelivered pushes matter; a few are kept. */
    public void push(Push p) {
        requireNonNull(p, "p");
        Runnable wake;
        lock.lock();
        try {
            if (pushes == null) {
                pushes = new ArrayDeque<>(4);
            }
            if (pushes.size() >= 16) {
                pushes.pollFirst();
            }
            pushes.addLast(p);
            changed.signalAll();
            wake = listener;
            listener = null;
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.run();
        }
    }

    /** A push that arrived and was not taken yet, or null. */
    public Push poll() {
        lock.lock();
        try {
            return take();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The device goes idle without a thread: unless a push is already waiting (then false, and nothing is kept),
     * {@code onPush} is called once by the next push (on the push channel's thread: it must not block) and true is
     * returned. The push itself stays here for {@link #poll}.
     */
    public boolean listenUnlessPending(Runnable onPush) {
        requireNonNull(onPush, "onPush");
        lock.lock();
        try {
            if (pushes != null && !pushes.isEmpty()) {
                return false;
            }
            listener = onPush;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The device woke up by other means (its timer, a stop): the listener left by {@link #listenUnlessPending} goes. */
    public void stopListening() {
        lock.lock();
        try {
            listener = null;
        } finally {
            lock.unlock();
        }
    }

    private Push take() {
        Push p = pushes == null ? null : pushes.pollFirst();
        if (pushes != null && pushes.isEmpty()) {
            pushes = null;
        }
        return p;
    }

    /**
     * Waits until a push arrives or {@code wait} of simulated time has passed; returns the push, or null when the time
     * passed first. A zero or negative wait only takes a push that is already there.
     */
    public Push await(SimClock clock, Duration wait) throws InterruptedException {
        long generation;
        lock.lockInterruptibly();
        try {
            Push p = take();
            if (p != null || wait.isNegative() || wait.isZero()) {
                return p;
            }
            generation = ++timerGeneration;
        } finally {
            lock.unlock();
        }
        Thread timer = Thread.ofVirtual().name("wakeup-timer").start(() -> {
            try {
                clock.sleep(wait);
                lock.lock();
                try {
                    firedGeneration = Math.max(firedGeneration, generation);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                // the device woke up first or stopped, or its deadline passed: a waiter still there must wake
                lock.lock();
                try {
                    firedGeneration = Math.max(firedGeneration, generation);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
        try {
            lock.lockInterruptibly();
            try {
                while ((pushes == null || pushes.isEmpty()) && firedGeneration < generation) {
                    changed.await();
                }
                return take();
            } finally {
                lock.unlock();
            }
        } finally {
            timer.interrupt();
        }
    }
}
