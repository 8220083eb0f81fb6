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
 * channel's reader thread posts pushes; the device's own thread waits. A ReentrantLock, not synchronized, so a waiting
 * virtual thread does not pin its carrier.
 */
public final class Wakeup {

    /** A push as the APNs channel delivered it: the payload's {@code mdm} value is the PushMagic to check. */
    public record Push(String apnsId, String topic, String pushMagic) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Push> pushes = new ArrayDeque<>();
    private long timerGeneration;
    private long firedGeneration = -1;

    /** Called by the push channel's thread. Only the last undelivered pushes matter; a few are kept. */
    public void push(Push p) {
        requireNonNull(p, "p");
        lock.lock();
        try {
            if (pushes.size() >= 16) {
                pushes.pollFirst();
            }
            pushes.addLast(p);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A push that arrived and was not taken yet, or null. */
    public Push poll() {
        lock.lock();
        try {
            return pushes.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a push arrives or {@code wait} of simulated time has passed; returns the push, or null when the time
     * passed first. A zero or negative wait only takes a push that is already there.
     */
    public Push await(SimClock clock, Duration wait) throws InterruptedException {
        long generation;
        lock.lockInterruptibly();
        try {
            Push p = pushes.pollFirst();
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
                while (pushes.isEmpty() && firedGeneration < generation) {
                    changed.await();
                }
                return pushes.pollFirst();
            } finally {
                lock.unlock();
            }
        } finally {
            timer.interrupt();
        }
    }
}
