package dev.margincall.observability;

/** A monotonic clock in nanoseconds, injected where the keeper times its steps, so tests can drive it. */
@FunctionalInterface
public interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
